import { handlers } from '@/lib/identity/auth/config';

export const { GET, POST } = handlers;
