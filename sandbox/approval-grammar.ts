/**
 * What the approval check knows about the command lines of kubectl and helm: which flags take a
 * value (so `kubectl -n prod delete` reads `delete` as the verb), the verb and resource aliases
 * (so `helm del` is `helm uninstall` and `ns` is `namespace`). A flag missing here is not a
 * hole: the parser reads an unknown flag both ways and the check applies to every reading.
 */

export interface CliGrammar {
  /** Long flags (without `--`) that take the next argument as their value when written without `=`. */
  valueFlags: ReadonlySet<string>;
  /** Long flags that never take the next argument (booleans, and pflag flags with a no-value default such as --dry-run). */
  boolFlags: ReadonlySet<string>;
  /** Shorthand letter -> long name, for shorthands that take a value. */
  valueShorthands: Readonly<Record<string, string>>;
  /** Shorthand letter -> long name, for boolean shorthands. */
  boolShorthands: Readonly<Record<string, string>>;
  /** Verb spelling -> canonical verb. */
  verbAliases: Readonly<Record<string, string>>;
  /** Resource type spelling -> canonical type; absent for CLIs whose arguments are not resources. */
  resourceAliases?: Readonly<Record<string, string>>;
}

const words = (text: string): Set<string> => new Set(text.trim().split(/\s+/));

/** Every spelling in `spellings` (space separated) maps to the first one. */
function aliases(...groups: string[]): Record<string, string> {
  const table: Record<string, string> = {};
  for (const group of groups) {
    const [canonical, ...rest] = group.split(' ');
    if (canonical === undefined) continue;
    for (const spelling of [canonical, ...rest]) table[spelling] = canonical;
  }
  return table;
}

export const KUBECTL_GRAMMAR: CliGrammar = {
  valueFlags: words(`
    namespace output selector field-selector container filename kustomize replicas current-replicas resource-version
    timeout grace-period request-timeout v vmodule cache-dir tls-server-name log-dir log-file log-file-max-size
    log-flush-frequency stderrthreshold profile profile-output template sort-by since since-time tail type image port
    target-port protocol name labels from-literal from-file from-env-file env limits requests min max cpu-percent
    to-revision revision patch patch-file kubeconfig context cluster server token as as-group as-uid user username
    password certificate-authority client-key client-certificate kuberc field-manager subresource chunk-size
    label-columns overrides schedule restart image-pull-policy pod-running-timeout max-log-requests limit-bytes raw for
    output-watch-events pod container-port session-affinity external-ip load-balancer-ip cluster-ip generator`),
  boolFlags: words(`
    all all-namespaces force wait now ignore-not-found recursive overwrite record watch watch-only follow previous
    timestamps ignore-daemonsets delete-emptydir-data delete-local-data disable-eviction local server-side force-conflicts
    prune show-labels show-kind no-headers insecure-skip-tls-verify match-server-version warnings-as-errors
    disable-compression stdin tty quiet interactive rm dry-run cascade validate allow-missing-template-keys
    show-managed-fields all-containers ignore-errors alsologtostderr logtostderr one-output skip-headers
    skip-log-headers add-dir-header prefix keep-annotations expose help`),
  valueShorthands: { n: 'namespace', o: 'output', l: 'selector', c: 'container', k: 'kustomize', s: 'server', v: 'v', L: 'label-columns' },
  boolShorthands: { A: 'all-namespaces', R: 'recursive', w: 'watch', i: 'stdin', t: 'tty', q: 'quiet', h: 'help' },
  verbAliases: {},
  resourceAliases: aliases(
    'pod po pods', 'namespace ns namespaces', 'deployment deploy deployments', 'service svc services', 'node no nodes',
    'persistentvolume pv persistentvolumes', 'persistentvolumeclaim pvc persistentvolumeclaims', 'replicaset rs replicasets',
    'statefulset sts statefulsets', 'daemonset ds daemonsets', 'configmap cm configmaps', 'secret secrets',
    'serviceaccount sa serviceaccounts', 'ingress ing ingresses', 'customresourcedefinition crd crds customresourcedefinitions',
    'job jobs', 'cronjob cj cronjobs', 'horizontalpodautoscaler hpa horizontalpodautoscalers',
    'networkpolicy netpol networkpolicies', 'role roles', 'rolebinding rolebindings', 'clusterrole clusterroles',
    'clusterrolebinding clusterrolebindings', 'endpoints ep', 'event ev events', 'poddisruptionbudget pdb poddisruptionbudgets',
    'resourcequota quota resourcequotas', 'limitrange limits limitranges', 'storageclass sc storageclasses',
    'replicationcontroller rc replicationcontrollers',
  ),
};

export const HELM_GRAMMAR: CliGrammar = {
  valueFlags: words(`
    namespace kube-context kubeconfig kube-token kube-apiserver kube-as-user kube-as-group kube-ca-file kube-tls-server-name
    registry-config repository-cache repository-config burst-limit qps timeout values set set-string set-file set-json
    set-literal version repo output description post-renderer post-renderer-args ca-file cert-file key-file username
    password max filter selector revision cascade history-max name-template labels`),
  boolFlags: words(`
    debug kube-insecure-skip-tls-verify wait wait-for-jobs atomic install force create-namespace dry-run no-hooks
    keep-history all all-namespaces reuse-values reset-values reset-then-reuse-values cleanup-on-fail skip-crds devel
    dependency-update disable-openapi-validation generate-name insecure-skip-tls-verify plain-http pass-credentials
    render-subchart-notes replace verify deployed failed pending superseded uninstalled uninstalling date reverse short
    help`),
  valueShorthands: { n: 'namespace', f: 'values', o: 'output', l: 'selector', m: 'max' },
  boolShorthands: { i: 'install', A: 'all-namespaces', g: 'generate-name', a: 'all', d: 'date', r: 'reverse', q: 'short', h: 'help' },
  verbAliases: aliases('uninstall un del delete', 'list ls', 'history hist', 'show inspect', 'dependency dep dependencies'),
};

/** CLIs with a grammar, by binary name. Others are read generically (dash tokens are flags, the rest words). */
export const GRAMMARS: Readonly<Record<string, CliGrammar>> = { kubectl: KUBECTL_GRAMMAR, helm: HELM_GRAMMAR };
