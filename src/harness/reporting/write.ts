/**
 * Every file a run leaves under its report dir (the runner after a run, `report --merge` after the
 * shards): conformance.json, junit.xml, report.html.
 */
import type { RunReport } from '../types';
import { writeConformanceJson } from './json';
import { writeJunit } from './junit';
import { writeReportHtml } from './report-html';

/** Writes the reports of `report` into dir; returns their paths. */
export function writeRunReports(dir: string, report: RunReport): string[] {
  return [writeConformanceJson(dir, report), writeJunit(dir, report), writeReportHtml(dir, report)];
}
