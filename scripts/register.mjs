// Lets plain Node run the project's TypeScript (scripts, CLI, custom server,
// schema engine) with the same module graph Next.js compiles: tsx for TS and
// the `@/` alias, and `server-only` resolved to an empty module because these
// processes are the server.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register(
  'data:text/javascript,' +
    encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier === 'server-only') return { url: 'data:text/javascript,', shortCircuit: true };
        return next(specifier, context);
      }`,
    ),
);
