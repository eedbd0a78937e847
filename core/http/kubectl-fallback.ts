/**
 * kubectl with no kubeconfig (a flow without `context.kubeconfig` on a host without
 * `~/.kube/config`) talks to http://localhost:8080, which is where AOF listens by default. A
 * plain 404 makes it print "the server could not find the requested resource", which sends
 * people looking for a missing Kubernetes resource. kubectl shows the text of a 403 as it is
 * (it ignores a JSON Status message during discovery), so unknown routes asked by kubectl get
 * one that says what happened.
 */
import type { FastifyRequest } from 'fastify';

export const KUBECTL_FALLBACK_MESSAGE =
  'this is the AOF daemon, not a Kubernetes API server: kubectl found no kubeconfig and fell back to http://localhost:8080. ' +
  "Give the flow a context.kubeconfig (or the daemon's user a ~/.kube/config)";

/** kubectl's user agents: `kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07`, and `kubectl-dispatcher/...` for its version probe. */
export function isKubectl(request: FastifyRequest): boolean {
  return request.headers['user-agent']?.startsWith('kubectl') === true;
}
