import 'server-only';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

/**
 * XML from identity providers (metadata, SAML responses), parsed strictly
 * with the parser @boxyhq/saml20 uses: any error is fatal, and documents
 * with a DOCTYPE (entity tricks) or more than one root are refused.
 */
export class XmlError extends Error {}

export function parseXml(xml: string): Document {
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new XmlError(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    throw error instanceof XmlError ? error : new XmlError((error as Error).message);
  }
  if (doc.doctype) throw new XmlError('DOCTYPE is not allowed');
  const roots = Array.from(doc.childNodes).filter((node) => node.nodeType === node.ELEMENT_NODE);
  if (roots.length !== 1) throw new XmlError('exactly one root element expected');
  return doc;
}

/** Every element of the document, in document order. */
export function allElements(doc: Document): Element[] {
  return Array.from(doc.getElementsByTagName('*'));
}

/** Element children of `parent` with this namespace and local name. */
export function childElements(parent: Element, namespace: string, localName: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element => node.nodeType === node.ELEMENT_NODE && (node as Element).namespaceURI === namespace && (node as Element).localName === localName,
  );
}
