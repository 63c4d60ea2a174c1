{{- define "paklog.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "paklog.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "paklog.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "paklog.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "paklog.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "paklog.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one workload: (dict "root" $ "component" "stock") */}}
{{- define "paklog.selector" -}}
app.kubernetes.io/name: {{ include "paklog.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "paklog.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/*
The workloads of the chosen mode, as a list of dicts: component, role (start | gateway), contexts, rpc, database and
the merged per-workload settings.
*/}}
{{- define "paklog.workloads" -}}
{{- $root := . -}}
{{- $list := list -}}
{{- if eq .Values.mode "all-in-one" -}}
{{- $list = append $list (merge (dict "component" "all" "command" "start" "contexts" (list) "rpc" false "publicGrpc" true) (deepCopy .Values.allInOne) (deepCopy .Values.defaults)) -}}
{{- else if eq .Values.mode "split" -}}
{{- $list = append $list (merge (dict "component" "gateway" "command" "gateway" "contexts" (list) "rpc" false "publicGrpc" true) (deepCopy .Values.gateway) (deepCopy .Values.defaults)) -}}
{{- range $name := keys .Values.groups | sortAlpha -}}
{{- $g := index $root.Values.groups $name -}}
{{- $list = append $list (merge (dict "component" $name "command" "start" "publicGrpc" false) (deepCopy $g) (deepCopy $root.Values.defaults)) -}}
{{- end -}}
{{- else -}}
{{- fail (printf "mode must be all-in-one or split, got %q" .Values.mode) -}}
{{- end -}}
{{- dict "items" $list | toJson -}}
{{- end -}}

{{/* PAKLOG_RPC_PEERS: every contract API served by an rpc group, as context=service:port. */}}
{{- define "paklog.rpcPeers" -}}
{{- $root := . -}}
{{- $peers := list -}}
{{- range $name := keys .Values.groups | sortAlpha -}}
{{- $g := index $root.Values.groups $name -}}
{{- if $g.rpc -}}
{{- range $ctx := $g.contexts -}}
{{- if has $ctx (list "catalog" "location-master" "inventory" "pack-ship" "picking" "physical-tracking" "tasks") -}}
{{- $peers = append $peers (printf "%s=%s-%s:%d" $ctx (include "paklog.fullname" $root) $name (int $root.Values.ports.rpc)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- join "," $peers -}}
{{- end -}}

{{/* PAKLOG_SERVICES of the gateway. */}}
{{- define "paklog.services" -}}
{{- $root := . -}}
{{- $urls := list -}}
{{- range $name := keys .Values.groups | sortAlpha -}}
{{- $urls = append $urls (printf "http://%s-%s:%d" (include "paklog.fullname" $root) $name (int $root.Values.ports.http)) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}

{{/* An env entry read from the installation's Secret: (dict "root" $ "name" "PAKLOG_JWT_SECRET" "key" "jwt-secret") */}}
{{- define "paklog.secretEnv" -}}
{{- if .key }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.secrets.existingSecret }}
      key: {{ .key }}
{{- end }}
{{- end -}}

{{/* The environment of a PakLog container of workload .w */}}
{{- define "paklog.env" -}}
{{- $root := .root -}}
{{- $w := .w -}}
- name: HOST
  value: "0.0.0.0"
- name: PORT
  value: {{ $root.Values.ports.http | quote }}
- name: PAKLOG_METRICS_PORT
  value: {{ $root.Values.ports.metrics | quote }}
- name: PAKLOG_METRICS_HOST
  value: "0.0.0.0"
- name: PAKLOG_SEED_DEMO
  value: "false"
- name: OTEL_SERVICE_NAME
  value: {{ printf "paklog-%s" $w.component | quote }}
- name: PAKLOG_DB_POOL_SIZE
  value: {{ $w.dbPoolSize | quote }}
- name: NODE_OPTIONS
  value: {{ printf "--enable-source-maps --max-old-space-size=%d --max-semi-space-size=4" (int $w.nodeHeapMiB) | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $w.database.secret }}
      key: {{ $w.database.key }}
{{- if $w.publicGrpc }}
- name: PAKLOG_GRPC_PORT
  value: {{ $root.Values.ports.grpc | quote }}
{{- end }}
{{- if eq $root.Values.mode "split" }}
- name: PAKLOG_BUS
  value: {{ $root.Values.bus.type | quote }}
{{- if eq $root.Values.bus.type "kafka" }}
- name: KAFKA_BROKERS
  value: {{ required "bus.kafkaBrokers is required for bus.type kafka" $root.Values.bus.kafkaBrokers | quote }}
{{- else }}
- name: NATS_URL
  value: {{ required "bus.natsUrl is required for bus.type nats" $root.Values.bus.natsUrl | quote }}
{{- end }}
- name: PAKLOG_BUS_NAMESPACE
  value: {{ $root.Values.bus.namespace | quote }}
{{- include "paklog.secretEnv" (dict "root" $root "name" "PAKLOG_GATEWAY_SECRET" "key" $root.Values.secrets.keys.gatewaySecret) }}
{{- if eq $w.command "gateway" }}
- name: PAKLOG_SERVICES
  value: {{ include "paklog.services" $root | quote }}
{{- else }}
- name: PAKLOG_CONTEXTS
  value: {{ join "," $w.contexts | quote }}
- name: PAKLOG_RPC_PEERS
  value: {{ include "paklog.rpcPeers" $root | quote }}
{{- if $w.rpc }}
- name: PAKLOG_RPC_PORT
  value: {{ $root.Values.ports.rpc | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- include "paklog.secretEnv" (dict "root" $root "name" "PAKLOG_ADMIN_API_KEY" "key" $root.Values.secrets.keys.adminApiKey) }}
{{- include "paklog.secretEnv" (dict "root" $root "name" "PAKLOG_JWT_SECRET" "key" $root.Values.secrets.keys.jwtSecret) }}
{{- include "paklog.secretEnv" (dict "root" $root "name" "REDIS_URL" "key" $root.Values.secrets.keys.redisUrl) }}
{{- if or (eq $w.component "all") (has "location-tracking" $w.contexts) }}
{{- include "paklog.secretEnv" (dict "root" $root "name" "MQTT_URL" "key" $root.Values.secrets.keys.mqttUrl) }}
{{- end }}
{{- range $k, $v := $root.Values.env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end -}}

{{- define "paklog.podSecurity" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "paklog.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}
