import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { CallerIdConstants } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import type { Config } from '../config/config';

/**
 * The adapter's authentication settings. In production: the app's credentials and botbuilder's public
 * cloud defaults. Under APP_ENV=test (the config refuses it elsewhere) TEST_BOT_OPENID_METADATA_URL
 * points token validation at a stand-in key server. Setting one endpoint makes botbuilder expect the
 * whole set (BotFrameworkAuthenticationFactory), so the rest are its own public-cloud values: tokens
 * are still checked for Bot Framework's issuer, the app id as audience, the serviceurl claim and the
 * msteams endorsement, exactly as in production.
 */
export function botFrameworkAuthConfig(config: Config): ConfigurationBotFrameworkAuthenticationOptions {
  if (config.BOT_MODE === 'local') return {};
  const credentials = {
    MicrosoftAppId: config.BOT_ID,
    MicrosoftAppPassword: config.BOT_PASSWORD,
    MicrosoftAppType: config.BOT_TYPE,
    MicrosoftAppTenantId: config.TENANT_ID,
  };
  if (!config.TEST_BOT_OPENID_METADATA_URL) return credentials;
  return {
    ...credentials,
    ToBotFromChannelOpenIdMetadataUrl: config.TEST_BOT_OPENID_METADATA_URL,
    // emulator-style tokens are looked up here too, so no test request ever reaches Microsoft
    ToBotFromEmulatorOpenIdMetadataUrl: config.TEST_BOT_OPENID_METADATA_URL,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}
