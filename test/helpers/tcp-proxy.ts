/**
 * A TCP proxy that can be unplugged: a console's network to the server going away while the
 * server itself stays up (unplug destroys every connection and refuses new ones).
 */
import net from 'node:net';

export async function startTcpProxy(target: { host: string; port: number }) {
  let plugged = true;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!plugged) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    unplug() {
      plugged = false;
      for (const s of open) s.destroy();
    },
    plug() {
      plugged = true;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
