// Samples a running process's memory and CPU from /proc (Linux) at a fixed interval and prints
// one line per sample plus a summary. Used for the figures in device-agent/README.md.
//   node device-agent/tools/measure-process.mjs PID [durationS=180] [intervalS=10]
import { readFileSync } from 'node:fs';

const [pidArg, durationArg = '180', intervalArg = '10'] = process.argv.slice(2);
const pid = Number(pidArg);
if (!Number.isInteger(pid) || pid <= 0) {
  console.error('usage: measure-process.mjs PID [durationS] [intervalS]');
  process.exit(2);
}
const durationS = Number(durationArg);
const intervalS = Number(intervalArg);
// USER_HZ is 100 on every Linux this runs on (getconf CLK_TCK).
const TICKS_PER_S = 100;

function sample() {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { t: Date.now(), rssKb, hwmKb, ticks };
}

const first = sample();
let prev = first;
const rss = [first.rssKb];
console.log(`t=0s rss=${(first.rssKb / 1024).toFixed(1)}MB`);
const timer = setInterval(() => {
  let s;
  try {
    s = sample();
  } catch {
    console.log('process gone');
    clearInterval(timer);
    return;
  }
  const cpuPct = ((s.ticks - prev.ticks) / TICKS_PER_S / ((s.t - prev.t) / 1000)) * 100;
  rss.push(s.rssKb);
  console.log(
    `t=${Math.round((s.t - first.t) / 1000)}s rss=${(s.rssKb / 1024).toFixed(1)}MB cpu=${cpuPct.toFixed(2)}%`,
  );
  prev = s;
  if (s.t - first.t >= durationS * 1000) {
    clearInterval(timer);
    const cpuAvg = ((s.ticks - first.ticks) / TICKS_PER_S / ((s.t - first.t) / 1000)) * 100;
    console.log(
      `summary: samples=${rss.length} rss min=${(Math.min(...rss) / 1024).toFixed(1)}MB ` +
        `max=${(Math.max(...rss) / 1024).toFixed(1)}MB peak(VmHWM)=${(s.hwmKb / 1024).toFixed(1)}MB ` +
        `cpu avg=${cpuAvg.toFixed(3)}% (${(s.ticks - first.ticks) / TICKS_PER_S}s CPU in ${Math.round((s.t - first.t) / 1000)}s)`,
    );
  }
}, intervalS * 1000);
