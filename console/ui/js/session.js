// SPDX-License-Identifier: GPL-2.0
// Who is logged in, for showing or hiding what their role may do (the API enforces it anyway).
const RANK = { viewer: 0, operator: 1, admin: 2 };

export const session = { user: null };

export function roleAtLeast(role) {
  const have = session.user ? RANK[session.user.role] : undefined;
  return have !== undefined && have >= RANK[role];
}

export const canOperate = () => roleAtLeast('operator');
export const isAdmin = () => roleAtLeast('admin');
