/** The web chat's rooms: every `web:` destination the routes name, in the order they appear. */
export function webRoomsOf(routing: {
  routes: readonly { web?: readonly string[] | undefined }[];
  defaultRoute?: { web?: readonly string[] | undefined } | undefined;
}): string[] {
  const rooms = [...routing.routes.flatMap((r) => r.web ?? []), ...(routing.defaultRoute?.web ?? [])];
  return [...new Set(rooms)];
}
