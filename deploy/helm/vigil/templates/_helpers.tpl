{{/* Chart name, overridable with nameOverride. */}}
{{- define "vigil.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name used for every object; the release name alone when it already says vigil. */}}
{{- define "vigil.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "vigil.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vigil.labels" -}}
helm.sh/chart: {{ include "vigil.chart" . }}
{{ include "vigil.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "vigil.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vigil.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The node agent's labels: another app.kubernetes.io/name, so that the Service, the Deployment, the
PodDisruptionBudget and the NetworkPolicy (which select vigil.selectorLabels) never select its pods.
*/}}
{{- define "vigil.agentSelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-agent" (include "vigil.name" .) | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end }}

{{- define "vigil.agentLabels" -}}
helm.sh/chart: {{ include "vigil.chart" . }}
{{ include "vigil.agentSelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* VIGIL_CLUSTER of the agents: agent.cluster, else the first cluster with inCluster: true. */}}
{{- define "vigil.agentCluster" -}}
{{- $name := .Values.agent.cluster }}
{{- if not $name }}
{{- range .Values.config.clusters }}
{{- if and (not $name) .inCluster }}{{ $name = .name }}{{ end }}
{{- end }}
{{- end }}
{{- $known := list }}
{{- range .Values.config.clusters }}{{ $known = append $known .name }}{{ end }}
{{- if not $name }}
{{- fail "agent.enabled: set agent.cluster to the name under config.clusters that these nodes belong to (no cluster there has inCluster: true)" }}
{{- end }}
{{- if not (has $name $known) }}
{{- fail (printf "agent.cluster %q names no cluster under config.clusters (%s): vigil serve would never read these nodes' reports" $name (join ", " $known)) }}
{{- end }}
{{- $name }}
{{- end }}

{{/*
REDIS_URL, VIGIL_REDIS_PREFIX and the deployment (REDIS_MODE ...), the same for vigil serve and the
node agent. On a Redis Cluster the prefix needs a hash tag (src/config/redis-env.ts): refused here
already, so a wrong value fails the install, not the pods.
*/}}
{{- define "vigil.redisEnv" -}}
{{- $mode := .Values.redis.mode | default "standalone" }}
{{- $prefix := .Values.redis.prefix | default (ternary "{vigil}" "vigil" (eq $mode "cluster")) }}
{{- if and (eq $mode "cluster") (not (regexMatch "^[^{]*\\{[^}]+\\}" $prefix)) }}
{{- fail (printf "redis.prefix: %q has no hash tag, so with redis.mode cluster vigil's keys would spread over the slots; use \"{%s}\" (or leave it empty for {vigil})" $prefix (trimAll "{}" $prefix)) }}
{{- end }}
- name: REDIS_URL
  {{- if .Values.redis.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.existingSecretKey }}
  {{- else }}
  value: {{ required "redis.url: the REDIS_URL of a Redis run with maxmemory-policy noeviction" .Values.redis.url | quote }}
  {{- end }}
- name: VIGIL_REDIS_PREFIX
  value: {{ $prefix | quote }}
- name: REDIS_MODE
  value: {{ $mode | quote }}
{{- if and (eq $mode "cluster") .Values.redis.cluster.nodes }}
- name: REDIS_CLUSTER_NODES
  value: {{ join "," .Values.redis.cluster.nodes | quote }}
{{- end }}
{{- if eq $mode "sentinel" }}
{{- if not .Values.redis.sentinel.sentinels }}
{{- fail "redis.sentinel.sentinels: the Sentinels (host:port) are required with redis.mode sentinel" }}
{{- end }}
- name: REDIS_SENTINELS
  value: {{ join "," .Values.redis.sentinel.sentinels | quote }}
- name: REDIS_SENTINEL_MASTER
  value: {{ required "redis.sentinel.masterName: the master group name the Sentinels monitor, e.g. mymaster" .Values.redis.sentinel.masterName | quote }}
{{- with .Values.redis.sentinel.existingSecret }}
- name: REDIS_SENTINEL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.redis.sentinel.existingSecretKey }}
{{- end }}
{{- end }}
{{- end }}

{{- define "vigil.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vigil.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the objects that are cluster-scoped (ClusterRole, ClusterRoleBinding) or live outside the
release namespace (the Secret Roles of rbac.mode=namespaced): the release namespace is part of it, so
two releases of the same name in different namespaces do not take over each other's objects. RBAC
names may be 253 characters long; fullname (63) and a namespace (63) always fit.
*/}}
{{- define "vigil.uniqueName" -}}
{{- printf "%s-%s" (include "vigil.fullname" .) .Release.Namespace }}
{{- end }}

{{/* "true" when Slack is on (a Secret named or created), else empty. */}}
{{- define "vigil.slackEnabled" -}}
{{- if or .Values.slack.createSecret .Values.slack.existingSecret }}true{{ end }}
{{- end }}

{{/* "true" when Teams is on (a Secret named or created, or the insecure development mode), else empty. */}}
{{- define "vigil.teamsEnabled" -}}
{{- if or .Values.teams.createSecret .Values.teams.existingSecret .Values.teams.insecureDevMode }}true{{ end }}
{{- end }}

{{/* The Secret holding the Slack token and signing secret (and the optional app token). */}}
{{- define "vigil.slackSecretName" -}}
{{- if .Values.slack.createSecret }}
{{- printf "%s-slack" (include "vigil.fullname" .) }}
{{- else }}
{{- .Values.slack.existingSecret }}
{{- end }}
{{- end }}

{{/* The Secret holding MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId. */}}
{{- define "vigil.teamsSecretName" -}}
{{- if .Values.teams.createSecret }}
{{- printf "%s-teams" (include "vigil.fullname" .) }}
{{- else }}
{{- .Values.teams.existingSecret }}
{{- end }}
{{- end }}

{{/*
Combinations values.schema.json cannot express, with a message that says what to set. Included by
deployment.yaml, so `helm template` and `helm install` stop before anything is applied.
*/}}
{{- define "vigil.validate" -}}
{{- if not (or (include "vigil.slackEnabled" .) (include "vigil.teamsEnabled" .)) }}
{{- fail "no chat platform: set slack.existingSecret (the Secret holding SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET) and/or teams.existingSecret (MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId); slack.createSecret / teams.createSecret for a quick start only" }}
{{- end }}
{{- if and .Values.teams.insecureDevMode (or .Values.teams.createSecret .Values.teams.existingSecret) }}
{{- fail "teams.insecureDevMode turns Bot Framework authentication off and vigil refuses it together with Teams credentials: unset teams.insecureDevMode (production) or teams.existingSecret/teams.createSecret (a fake connector)" }}
{{- end }}
{{- end }}

{{/* repository:tag (tag defaults to appVersion), or repository@digest when a digest is given. */}}
{{- define "vigil.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}
