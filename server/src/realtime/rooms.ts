/**
 * `joinRoom` / `leaveRoom`. Each room kind has a policy; a room a user may not enter is
 * refused with `forbidden`, so nobody reads a conversation by guessing its id.
 */
import { AppError } from '../errors';
import type { User } from '../../../protocol';
import type { SocketRouter } from './socket-router';

export type RoomPolicy = (user: User, id: string) => Promise<boolean>;

export function registerRoomEvents(
  router: SocketRouter,
  policies: Record<string, RoomPolicy>,
): void {
  router.on('joinRoom', async ({ socket, user }, { room }) => {
    const [kind, id = ''] = room.split(':');
    const policy = policies[kind!];
    if (!policy || !(await policy(user, id))) {
      throw new AppError('forbidden', `you may not join ${room}`);
    }
    await socket.join(room);
    return { room };
  });
  router.on('leaveRoom', async ({ socket }, { room }) => {
    await socket.leave(room);
    return { room };
  });
}
