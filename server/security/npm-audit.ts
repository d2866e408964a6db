// Reading `npm audit --json` (lockfile v3 report format) for the dependency check: which
// high/critical advisories the tree has, and which of them the allow-list does not explain.
import { readFileSync } from "node:fs";
import { z } from "zod";

export interface Advisory {
  /** The GHSA id, e.g. GHSA-xxxx-xxxx-xxxx (or the advisory URL when it names none). */
  id: string;
  packageName: string;
  severity: string;
  title: string;
  url: string;
  range: string;
}

const AdvisorySource = z.object({
  name: z.string(),
  title: z.string(),
  url: z.string(),
  severity: z.string(),
  range: z.string().default(""),
});

const AuditReport = z.object({
  vulnerabilities: z.record(z.string(), z.object({ via: z.array(z.union([z.string(), AdvisorySource])) })),
});

export const AllowList = z.object({
  advisories: z.array(
    z.object({
      id: z.string().regex(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/, "a GHSA id"),
      package: z.string().min(1),
      reason: z.string().min(30, "say why it is acceptable, in a sentence or more"),
      reviewed: z.iso.date(),
    }),
  ),
});
export type AllowList = z.infer<typeof AllowList>;

/** The report's error when npm could not audit (no registry, endpoint refused), else undefined. */
export function auditUnavailable(report: unknown): string | undefined {
  if (report && typeof report === "object" && "vulnerabilities" in report) return undefined;
  const error = (report ?? {}) as { message?: string; error?: { summary?: string } };
  return error.message ?? error.error?.summary ?? "npm audit gave no report";
}

/** Every distinct high or critical advisory in the report (a package reached by several paths once). */
export function severeAdvisories(report: unknown): Advisory[] {
  const parsed = AuditReport.parse(report);
  const found = new Map<string, Advisory>();
  for (const entry of Object.values(parsed.vulnerabilities)) {
    for (const via of entry.via) {
      if (typeof via === "string" || !["high", "critical"].includes(via.severity)) continue;
      const id = /GHSA(-[\w]{4}){3}/.exec(via.url)?.[0] ?? via.url;
      found.set(`${id} ${via.name}`, {
        id,
        packageName: via.name,
        severity: via.severity,
        title: via.title,
        url: via.url,
        range: via.range,
      });
    }
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The advisories the allow-list does not name (by id and package). */
export function unexplained(advisories: Advisory[], allowList: AllowList): Advisory[] {
  const allowed = new Set(allowList.advisories.map((entry) => `${entry.id} ${entry.package}`));
  return advisories.filter((advisory) => !allowed.has(`${advisory.id} ${advisory.packageName}`));
}

export const parseAllowList = (text: string): AllowList => AllowList.parse(JSON.parse(text));

export const readAllowList = (path: string): AllowList => parseAllowList(readFileSync(path, "utf8"));
