// A one-line progress bar on a terminal; a few plain lines otherwise (CI logs stay short).
export function progressPrinter(total) {
  const tty = process.stdout.isTTY;
  let lastQuarter = -1;
  const started = Date.now();
  const render = (acked) => {
    const ratio = total > 0 ? acked / total : 1;
    const mib = acked / 1048576;
    const rate = mib / Math.max(0.001, (Date.now() - started) / 1000);
    if (tty) {
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stdout.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${mib.toFixed(0)} MiB acknowledged  ${rate.toFixed(0)} MiB/s `);
    } else {
      const quarter = Math.floor(ratio * 4);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        console.log(`progress: ${(ratio * 100).toFixed(0)}% (${mib.toFixed(0)} MiB acknowledged by the engine)`);
      }
    }
  };
  return {
    update: (p) => render(p.bytesAcknowledged),
    done: () => {
      if (tty) process.stdout.write('\n');
    },
  };
}
