import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, pageScript } from '../../../src/chat/web/index.js';
import { actorFromName, commandRequestFrom } from '../../../src/chat/web/web-requests.js';

describe('the web chat reads what the page sends', () => {
  it('a name is the actor, web:NAME, and only a name', () => {
    expect(actorFromName('  Maria   Esposito ')).toEqual({
      kind: 'web',
      id: 'web:Maria Esposito',
      name: 'Maria Esposito',
    });
    expect(actorFromName("Zoë O'Brien-Łukasz")).toMatchObject({ name: "Zoë O'Brien-Łukasz" });
    for (const bad of ['', '   ', undefined, 42, '<b>', '@here', 'a\u202eb', 'x'.repeat(41)]) {
      expect(() => actorFromName(bad)).toThrow();
    }
  });

  it('a command is the words as typed; a pasted /k8s or @vigil in front is dropped', () => {
    expect(commandRequestFrom({ text: 'certs prod', name: 'Maria' })).toEqual({
      platform: 'web',
      text: 'certs prod',
      user: { kind: 'web', id: 'web:Maria', name: 'Maria' },
      channel: 'browser',
    });
    expect(commandRequestFrom({ text: '/k8s sts prod', name: 'Maria' }).text).toBe('sts prod');
    expect(commandRequestFrom({ text: '@vigil   alerts', name: 'Maria' }).text).toBe('alerts');
    expect(commandRequestFrom({ text: '/k8s', name: 'Maria' }).text).toBe('help');
    expect(commandRequestFrom({ text: '/k8sx', name: 'Maria' }).text).toBe('/k8sx');
    expect(() => commandRequestFrom({ text: 'x'.repeat(1001), name: 'Maria' })).toThrow(/at most 1000/);
  });

  it('loopback is 127.0.0.0/8, ::1 and localhost, nothing else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'app.localhost']) {
      expect(isLoopbackHost(h)).toBe(true);
    }
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '192.168.1.2',
      'example.com',
      '128.0.0.1',
      'localhost.example.com',
    ]) {
      expect(isLoopbackHost(h)).toBe(false);
    }
  });

  it('the page script is valid JavaScript', () => {
    expect(() => new Script(pageScript)).not.toThrow();
  });
});
