//! The standard `spectest` module that spec scripts import from.

use weft::{
    Global, GlobalType, Linker, Memory, MemoryType, Mutability, Store, Table, TableType, Val,
    ValType,
};

/// Defines the `spectest` module's functions, globals, table and memory in
/// `linker`. The `print*` functions accept their arguments and do nothing.
pub(crate) fn define(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<(), weft::Error> {
    linker.func_wrap("spectest", "print", || {})?;
    linker.func_wrap("spectest", "print_i32", |_: i32| {})?;
    linker.func_wrap("spectest", "print_i64", |_: i64| {})?;
    linker.func_wrap("spectest", "print_f32", |_: f32| {})?;
    linker.func_wrap("spectest", "print_f64", |_: f64| {})?;
    linker.func_wrap("spectest", "print_i32_f32", |_: i32, _: f32| {})?;
    linker.func_wrap("spectest", "print_f64_f64", |_: f64, _: f64| {})?;

    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6_f32.to_bits())),
        ("global_f64", Val::F64(666.6_f64.to_bits())),
    ];
    for (name, value) in globals {
        let ty = GlobalType::new(value.ty(), Mutability::Const);
        let global = Global::new(&mut *store, ty, value)?;
        linker.define(&mut *store, "spectest", name, global)?;
    }

    let table_ty = TableType::new(ValType::FUNCREF, 10, Some(20));
    let table = Table::new(&mut *store, table_ty, Val::FuncRef(None))?;
    linker.define(&mut *store, "spectest", "table", table)?;

    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(&mut *store, "spectest", "memory", memory)?;
    let shared = Memory::new(&mut *store, MemoryType::new(1, Some(2)).with_shared(true))?;
    linker.define(&mut *store, "spectest", "shared_memory", shared)?;
    Ok(())
}
