(module
  (memory 1)
  (func $rec (export "rec") (param i32) (result i32)
    local.get 0 i32.eqz
    if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $rec i32.const 1 i32.add end)
  (func (export "spin") (loop $l (br $l)))
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
