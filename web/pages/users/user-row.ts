// One account as the users page lists it.
export interface UserRow {
  id: string;
  name: string;
  role: 'admin' | 'member';
  createdAt: Date;
}
