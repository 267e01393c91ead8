import http from 'node:http';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cardAnswers,
  lastCard,
  nextTitle,
  personalChatActivity,
  press,
  type Reply,
  sectionOf,
} from './cards';

/** What the bot answered a POST of an activity: with expectReplies, its replies are in the body. */
export interface Answer {
  readonly status: number;
  readonly replies: Reply[];
  readonly raw: string;
}

export interface ActivityClient {
  /** POSTs a body as it is (an activity's JSON, or anything a test means to send) to `url`. */
  post(url: string, body: string, headers?: Record<string, string>): Promise<Answer>;
  /** Closes its kept-alive connections. */
  close(): void;
}

/**
 * The one HTTP client that drives a bot (or the benchmarks' peer and bare route): keep-alive, at most
 * `maxSockets` connections open at once, the reply envelope parsed the same way for every caller.
 */
export function activityClient(maxSockets = 16): ActivityClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const post = (url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            ...headers,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            let replies: Reply[] = [];
            if (raw && res.headers['content-type']?.includes('json')) {
              replies = (JSON.parse(raw) as { activities?: Reply[] }).activities ?? [];
            }
            resolve({ status: res.statusCode ?? 0, replies, raw });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}

export type ChatClient = ReturnType<typeof chatClient>;

/**
 * Talks to a bot over HTTP as Teams would, from referrers' personal chats (one per user), and walks
 * whole duty calls. `botUrl` is asked on every post: a restarted bot may listen elsewhere.
 */
export function chatClient(botUrl: () => string, serviceUrl: string, client = activityClient()) {
  let seq = 0;
  /** One activity from `user`'s chat, whatever the bot answers. */
  const send = (activity: Record<string, unknown>, user: string, headers?: Record<string, string>) => {
    seq += 1;
    const body = JSON.stringify(personalChatActivity(activity, user, serviceUrl, `act-${user}-${seq}`));
    return client.post(`${botUrl()}/api/messages`, body, headers);
  };
  /** As send, for a turn that must succeed: its replies. */
  const post = async (activity: Record<string, unknown>, user: string): Promise<Reply[]> => {
    const answer = await send(activity, user);
    if (answer.status !== 200) throw new Error(`bot answered ${answer.status}`);
    return answer.replies;
  };

  /** Answers every section and stops at the review card. */
  const walkToReview = async (user: string, answers = FULL_CALL): Promise<Card> => {
    let card = lastCard(await post({ text: 'start' }, user));
    for (let i = 0; i < 20 && sectionOf(card) !== 'review'; i++) {
      card = lastCard(await post({ value: press(card, nextTitle(card), cardAnswers(card, answers)) }, user));
    }
    if (sectionOf(card) !== 'review') throw new Error('did not reach the review card');
    return card;
  };

  const submit = async (user: string, review: Card): Promise<void> => {
    const replies = await post({ value: press(review, 'Submit the duty call') }, user);
    if (!JSON.stringify(replies).includes('Duty call submitted')) {
      throw new Error(`not submitted: ${JSON.stringify(replies).slice(0, 300)}`);
    }
  };

  return {
    send,
    post,
    walkToReview,
    submit,
    /** A whole duty call, submitted. */
    call: async (user: string, answers = FULL_CALL) => submit(user, await walkToReview(user, answers)),
    close: () => client.close(),
  };
}
