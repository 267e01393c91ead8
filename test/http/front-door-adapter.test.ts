import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { FrontDoorAdapter } from '../../src/http/front-door-adapter';

// CloudAdapter builds a ConnectorClient and a UserTokenClient for every activity; the front door keeps
// them (issue 10). The clients must still be the right ones: per service URL and audience, and bounded.

const activity = (serviceUrl: string): Activity =>
  ({
    type: 'message',
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:user' },
    recipient: { id: '28:bot' },
    conversation: { id: 'a:conv' },
  }) as Activity;

async function connectorFor(adapter: FrontDoorAdapter, serviceUrl: string, audience?: string) {
  // local mode (no credentials): botbuilder accepts the request without a token
  const auth = await adapter.authenticate(activity(serviceUrl), '');
  return auth.connectorFactory!.create(serviceUrl, audience ?? auth.audience);
}

describe('the front door keeps the Bot Connector clients', () => {
  it('[HAZ-19] reuses one ConnectorClient per service URL and audience across turns, never another service’s', async () => {
    const adapter = new FrontDoorAdapter({});
    const a1 = await connectorFor(adapter, 'https://smba.example/emea/');
    const a2 = await connectorFor(adapter, 'https://smba.example/emea/');
    const b = await connectorFor(adapter, 'https://smba.example/amer/');
    const otherAudience = await connectorFor(
      adapter,
      'https://smba.example/emea/',
      'https://api.botframework.us',
    );
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    expect(otherAudience).not.toBe(a1);
    // each client still posts to its own service
    expect((a1 as unknown as { baseUri: string }).baseUri).toBe('https://smba.example/emea/');
    expect((b as unknown as { baseUri: string }).baseUri).toBe('https://smba.example/amer/');
  });

  it('keeps at most 32 of them, whatever service URLs arrive', async () => {
    const adapter = new FrontDoorAdapter({});
    const first = await connectorFor(adapter, 'https://smba.example/0/');
    for (let i = 1; i <= 32; i++) await connectorFor(adapter, `https://smba.example/${i}/`);
    expect(await connectorFor(adapter, 'https://smba.example/32/')).toBe(
      await connectorFor(adapter, 'https://smba.example/32/'),
    );
    expect(await connectorFor(adapter, 'https://smba.example/0/')).not.toBe(first);
  });

  it('reuses the UserTokenClient for the same app', async () => {
    const adapter = new FrontDoorAdapter({});
    const auth = await adapter.authenticate(activity('https://smba.example/emea/'), '');
    const bfa = (
      adapter as unknown as { botFrameworkAuthentication: FrontDoorAdapter['botFrameworkAuthentication'] }
    ).botFrameworkAuthentication;
    const t1 = await bfa.createUserTokenClient(auth.claimsIdentity);
    const t2 = await bfa.createUserTokenClient(auth.claimsIdentity);
    expect(t2).toBe(t1);
  });
});
