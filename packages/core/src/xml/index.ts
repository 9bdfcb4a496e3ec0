export {
  childElement,
  childElements,
  childText,
  descendantElements,
  type ParseSmallXmlOptions,
  parseSmallXml,
  type SmallXmlResult,
  type XmlElement,
} from './parse-small-xml.ts';
