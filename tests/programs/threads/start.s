# wasi_thread_start(tid, arg): switch to the stack whose top is the first
# word of *arg, then call thread_main(tid, arg).  It must be assembly: C
# code cannot set __stack_pointer before it uses the stack.
	.text
	.globaltype __stack_pointer, i32
	.functype thread_main (i32, i32) -> ()
	.globl wasi_thread_start
	.export_name wasi_thread_start, wasi_thread_start
	.type wasi_thread_start,@function
wasi_thread_start:
	.functype wasi_thread_start (i32, i32) -> ()
	local.get 1
	i32.load 0
	global.set __stack_pointer
	local.get 0
	local.get 1
	call thread_main
	end_function
