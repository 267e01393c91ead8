// its own file, not the package index (see src/bot/app.ts)
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type {
  Activity,
  ConfigurationBotFrameworkAuthenticationOptions,
  InvokeResponse,
  TurnContext,
} from 'botbuilder';
import {
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  ConnectorFactory,
  JwtTokenValidation,
  type UserTokenClient,
} from 'botframework-connector';

/** Clients kept per app, service URL and audience; a handful in practice, bounded whatever arrives. */
const MAX_CLIENTS = 32;

/**
 * TeamsAdapter with its two halves apart. `process()` authenticates and runs the turn in one call,
 * so nothing can be checked between the token and the turn (the tenant must be: checking it first
 * told unauthenticated callers which tenant is ours), it answers JWT library errors with 500, and it
 * puts error messages and its User-Agent in the response. Here the server validates the token with
 * botbuilder's own BotFrameworkAuthentication, checks the tenant, then runs the turn with that same
 * result, so the token is validated once and the server writes every answer itself.
 *
 * CloudAdapter builds a new ConnectorClient and UserTokenClient, each with its own HTTP pipeline, for
 * every activity: a tenth of a card turn's CPU (issue 10). They hold no per-turn state (credentials
 * cache their own token), so here they are kept per app id, service URL and audience and reused, as
 * botbuilder's older BotFrameworkAdapter did.
 */
export class FrontDoorAdapter extends TeamsAdapter {
  private readonly connectors = new BoundedCache<ConnectorClient>(MAX_CLIENTS);
  private readonly tokenClients = new BoundedCache<UserTokenClient>(MAX_CLIENTS);

  constructor(options: ConfigurationBotFrameworkAuthenticationOptions) {
    super(options);
    const auth = this.botFrameworkAuthentication;
    const createUserTokenClient = auth.createUserTokenClient.bind(auth);
    auth.createUserTokenClient = async (claims: ClaimsIdentity) => {
      const key = JwtTokenValidation.getAppIdFromClaims(claims.claims) ?? '';
      return this.tokenClients.get(key) ?? this.tokenClients.set(key, await createUserTokenClient(claims));
    };
  }

  /** Throws when the request is not from Bot Framework (any error: the caller maps all to 401). */
  async authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    const factory = result.connectorFactory;
    if (!factory) return result;
    const appId = JwtTokenValidation.getAppIdFromClaims(result.claimsIdentity.claims) ?? '';
    const connectors = this.connectors;
    result.connectorFactory = new (class extends ConnectorFactory {
      async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const key = `${appId}\n${serviceUrl}\n${audience ?? ''}`;
        return connectors.get(key) ?? connectors.set(key, await factory.create(serviceUrl, audience));
      }
    })();
    return result;
  }

  /** The turn, for an authenticated request; the invoke response or expected replies, if any. */
  runTurn(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/** A map that forgets its oldest entry when full: service URLs come from requests. */
class BoundedCache<T> {
  private readonly items = new Map<string, T>();
  constructor(private readonly max: number) {}

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  set(key: string, value: T): T {
    if (!this.items.has(key) && this.items.size >= this.max) {
      this.items.delete(this.items.keys().next().value as string);
    }
    this.items.set(key, value);
    return value;
  }
}
