import type { ResolveHook } from 'node:module';

/**
 * Module hooks that make whatsapp-web.js unresolvable, as on an install without optional
 * dependencies: the package is looked up from the filesystem root, where it is not.
 */
export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  if (specifier === 'whatsapp-web.js' || specifier.startsWith('whatsapp-web.js/')) return nextResolve(specifier, { ...context, parentURL: 'file:///' });
  return nextResolve(specifier, context);
};
