//! Prints weft's compiled code for a module's functions (compiler debugging):
//! `cargo run -p weft --example disasm -- [--interruptible] [--fuel] FILE [FUNC_INDEX]`.
fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut config = weft::Config::default();
    loop {
        match args.peek().map(String::as_str) {
            Some("--interruptible") => config.interruptible(true),
            Some("--fuel") => config.consume_fuel(true),
            _ => break,
        };
        args.next();
    }
    let file = args
        .next()
        .expect("usage: disasm [--interruptible] [--fuel] FILE [FUNC_INDEX]");
    let only: Option<u32> = args.next().and_then(|a| a.parse().ok());
    let bytes = std::fs::read(&file).expect("read the module");
    let module = weft::Module::new(&weft::Engine::new(&config), &bytes).expect("a valid module");
    for i in 0.. {
        if only.is_some_and(|o| o != i) {
            if only.is_some_and(|o| i > o) {
                break;
            }
            continue;
        }
        match module.disassemble(i) {
            Some(text) => print!("{text}"),
            None if module.imports().len() as u32 > i => continue,
            None => break,
        }
    }
}
