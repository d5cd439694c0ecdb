/**
 * Preloaded (`--import`) into bench children that have no IPC channel (the server): exits
 * when the process that started it is gone, so an orchestrator killed with SIGKILL leaves
 * nothing running.
 */
const startedBy = process.ppid;
setInterval(() => {
  if (process.ppid !== startedBy) process.exit(1);
}, 1000).unref();
export {};
