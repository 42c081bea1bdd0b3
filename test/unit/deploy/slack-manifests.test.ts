import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readRepoFile } from './app-env.js';

type Json = Record<string, unknown>;
const http = parse(readRepoFile('deploy/slack/manifest.yaml')) as Json;
const socket = parse(readRepoFile('deploy/slack/manifest-socket-mode.yaml')) as Json;

/** The manifest without what only HTTP mode has: every request URL, and the mode switch. */
function withoutTransport(manifest: Json): Json {
  const copy = structuredClone(manifest) as {
    features: { slash_commands: Json[] };
    settings: Json & { interactivity: Json };
  };
  for (const command of copy.features.slash_commands) delete command['url'];
  delete copy.settings.interactivity['request_url'];
  delete copy.settings['socket_mode_enabled'];
  return copy as unknown as Json;
}

describe('Slack app manifests (deploy/slack)', () => {
  it('the Socket Mode variant turns Socket Mode on and names no request URL', () => {
    expect((socket['settings'] as Json)['socket_mode_enabled']).toBe(true);
    expect((http['settings'] as Json)['socket_mode_enabled']).toBe(false);
    expect(JSON.stringify(socket)).not.toMatch(/"(url|request_url)"|https?:\/\//);
  });

  it('is otherwise the same app: commands, scopes and interactivity match the HTTP manifest', () => {
    expect(withoutTransport(socket)).toEqual(withoutTransport(http));
  });

  it('asks for files:write, which the chart upload needs (files.getUploadURLExternal, completeUploadExternal)', () => {
    for (const manifest of [http, socket]) {
      const scopes = ((manifest['oauth_config'] as Json)['scopes'] as Json)['bot'] as string[];
      expect(scopes).toContain('files:write');
      // files.upload is retired: nothing else of the old flow is asked for.
      expect(scopes).not.toContain('files:read');
    }
  });
});
