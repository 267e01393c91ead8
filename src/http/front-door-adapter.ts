// its own file, not the package index (see src/bot/app.ts)
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';

/**
 * TeamsAdapter with its two halves apart. `process()` authenticates and runs the turn in one call,
 * so nothing can be checked between the token and the turn (the tenant must be: checking it first
 * told unauthenticated callers which tenant is ours), it answers JWT library errors with 500, and it
 * puts error messages and its User-Agent in the response. Here the server validates the token with
 * botbuilder's own BotFrameworkAuthentication, checks the tenant, then runs the turn with that same
 * result, so the token is validated once and the server writes every answer itself.
 */
export class FrontDoorAdapter extends TeamsAdapter {
  /** Throws when the request is not from Bot Framework (any error: the caller maps all to 401). */
  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
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
