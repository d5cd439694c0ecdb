/**
 * Typing indicators, relayed to the conversation's viewers (`conversation:{id}`) except the
 * typist's own sockets. Per (user, conversation) the server keeps one state:
 *
 * - the first `isTyping: true` is checked (participants only) and relayed at once; further
 *   ones refresh the state and are relayed at most once per `relayEveryMs` (a console that
 *   starts viewing mid-sentence learns of it at the next relay);
 * - with no refresh for `clearAfterMs` the server relays `isTyping: false` itself, so an
 *   indicator never sticks when a console crashes or loses its connection;
 * - `isTyping: false`, sending a message, leaving the conversation and closing the socket
 *   that typed all clear it at once.
 *
 * State is per server node, as typing is relayed by the node that receives it.
 */
import type { User } from '../../../protocol';
import type { MarqueeServer } from '../realtime/socket-router';
import { conversationRoom, userRoom } from './chat-events';

interface TypingState {
  userId: string;
  name: string;
  conversationId: string;
  socketId: string;
  lastRelayAt: number;
  timer: NodeJS.Timeout;
}

export class TypingRelay {
  /** Clears an indicator not refreshed for this long. */
  clearAfterMs = 5000;
  /** Relays a continuing indicator at most this often. */
  relayEveryMs = 2000;
  private readonly states = new Map<string, TypingState>();

  constructor(
    private readonly io: MarqueeServer,
    /** Throws (forbidden) when the user may not type in the conversation. */
    private readonly checkParticipant: (user: User, conversationId: string) => Promise<unknown>,
  ) {}

  async handle(
    socketId: string,
    user: User,
    conversationId: string,
    isTyping: boolean,
  ): Promise<void> {
    const key = keyOf(user.id, conversationId);
    if (!this.states.has(key)) await this.checkParticipant(user, conversationId);
    const state = this.states.get(key);
    if (!isTyping) {
      if (state) this.clear(user.id, conversationId);
      return;
    }
    const now = Date.now();
    if (state) {
      state.socketId = socketId;
      state.timer.refresh();
      if (now - state.lastRelayAt >= this.relayEveryMs) {
        state.lastRelayAt = now;
        this.relay(state, true);
      }
      return;
    }
    const fresh: TypingState = {
      userId: user.id,
      name: user.name,
      conversationId,
      socketId,
      lastRelayAt: now,
      timer: setTimeout(() => this.clear(user.id, conversationId), this.clearAfterMs),
    };
    fresh.timer.unref();
    this.states.set(key, fresh);
    this.relay(fresh, true);
  }

  /** Clears the user's indicator in the conversation, telling the viewers if it was on. */
  clear(userId: string, conversationId: string): void {
    const key = keyOf(userId, conversationId);
    const state = this.states.get(key);
    if (!state) return;
    clearTimeout(state.timer);
    this.states.delete(key);
    this.relay(state, false);
  }

  /** The socket that was typing went away. */
  clearSocket(socketId: string): void {
    for (const state of [...this.states.values()]) {
      if (state.socketId === socketId) this.clear(state.userId, state.conversationId);
    }
  }

  isTyping(userId: string, conversationId: string): boolean {
    return this.states.has(keyOf(userId, conversationId));
  }

  stop(): void {
    for (const state of this.states.values()) clearTimeout(state.timer);
    this.states.clear();
  }

  private relay(state: TypingState, isTyping: boolean): void {
    this.io
      .to(conversationRoom(state.conversationId))
      .except(userRoom(state.userId))
      .emit('typing', {
        conversationId: state.conversationId,
        userId: state.userId,
        name: state.name,
        isTyping,
      });
  }
}

const keyOf = (userId: string, conversationId: string) => `${conversationId}\u0000${userId}`;
