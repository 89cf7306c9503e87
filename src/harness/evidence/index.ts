export { Redactor, REDACTED } from './redact';
export {
  Transcript,
  writeEvidence,
  renderEvidenceText,
  renderSamlXml,
  bound,
  MAX_BODY_BYTES,
} from './transcript';
export { prettyXml } from './pretty-xml';
export { startEvidence, takeEvidence, currentEvidence, record, withEvidence } from './context';
