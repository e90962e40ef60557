import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** One route as Fastify serves it: the method and the path template (`/v1/cases/:id`). */
export interface ServedRoute {
  method: string;
  path: string;
}

/**
 * Every route the running Fastify server has, read from its router at run time (`printRoutes`, the one listing Fastify
 * gives, parsed from its tree). HEAD routes that Fastify adds beside a GET are left out; a HEAD of its own is kept.
 */
export function servedRoutes(app: NestFastifyApplication): ServedRoute[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const found = new Map<string, Set<string>>();
  for (const line of tree.split('\n')) {
    const at = line.indexOf('── ');
    if (at < 1) continue;
    const depth = (at - 1) / 4;
    const match = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3))!;
    stack.length = depth;
    stack.push(match[1]);
    if (!match[2]) continue;
    const path = stack.join('');
    const methods = found.get(path) ?? new Set<string>();
    for (const method of match[2].split(', ')) methods.add(method);
    found.set(path, methods);
  }
  const routes: ServedRoute[] = [];
  for (const [path, methods] of found) {
    for (const method of methods) {
      if (method === 'HEAD' && methods.has('GET')) continue;
      routes.push({ method, path });
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

export const routeKey = (route: ServedRoute) => `${route.method} ${route.path}`;
