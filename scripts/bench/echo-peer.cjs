// The peer for `npm run bench:peer`: the botbuilder EchoBot sample (restify, CloudAdapter with
// authentication off, MemoryStorage), run under plain node as a child process. It answers every
// message with one echo; with deliveryMode 'expectReplies' the echo comes back in the HTTP response.
// Prints "listening on <url>" once it listens on a free loopback port.
const restify = require('restify');
const {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
} = require('botbuilder');

// no MicrosoftAppId: Bot Framework authentication is off, as in the bot's local mode
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
adapter.onTurnError = async (context, error) => {
  process.stderr.write(`echo-peer turn error: ${error?.message ?? error}\n`);
  await context.sendActivity('The bot encountered an error.');
};

const conversationState = new ConversationState(new MemoryStorage());
const turns = conversationState.createProperty('turns');

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const n = (await turns.get(context, 0)) + 1;
      await turns.set(context, n);
      const text = context.activity.text ?? JSON.stringify(context.activity.value ?? null);
      await context.sendActivity(`Echo: ${text.slice(0, 200)}`);
      await next();
    });
  }

  async run(context) {
    await super.run(context);
    await conversationState.saveChanges(context, false);
  }
}

const bot = new EchoBot();
const server = restify.createServer({ name: '' });
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
