/** The service's three Teams channels, by what they are for: where each kind of post goes. */
export type ChannelRole = 'duty' | 'safeguarding' | 'admin';
