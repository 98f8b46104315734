"""The run engine: cases × targets in a child process, its typed messages, batching, and the
runner that drives the requests. Qt-free; the app, the CLI and the tests share it."""
