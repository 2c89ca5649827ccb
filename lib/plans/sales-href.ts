import 'server-only';
/** A link to sales about `subject`: the subject goes into a mail's subject line; a web page gets the link as it is. */
export function salesHref(contact: string, subject: string): string {
  return contact.startsWith('mailto:') ? `${contact}?subject=${encodeURIComponent(subject)}` : contact;
}
