// The stack's limit for `npm run bench:peer`: a restify route that parses the JSON body and answers
// every POST /api/messages with a fixed reply envelope, as an expectReplies turn would be answered.
// Prints "listening on <url>" once it listens on a free loopback port.
const restify = require('restify');

const REPLY = { activities: [{ type: 'message', text: 'ok' }] };
const server = restify.createServer({ name: '' });
server.use(restify.plugins.bodyParser());
server.post('/api/messages', (_req, res, next) => {
  res.send(200, REPLY);
  return next();
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
