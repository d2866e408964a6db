import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type Deployment, deploymentSchema } from "./schema.ts";

const defaultDir = fileURLToPath(new URL(".", import.meta.url));

export class DeploymentNotFoundError extends Error {
  override name = "DeploymentNotFoundError";
}

export class InvalidDeploymentError extends Error {
  override name = "InvalidDeploymentError";
}

export function deploymentPath(network: string, dir = defaultDir): string {
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(network)) {
    throw new InvalidDeploymentError(`network name "${network}" must be letters, digits and dashes`);
  }
  return join(dir, `${network}.json`);
}

/** Reads and validates `deployments/<network>.json`. */
export function loadDeployment(network: string, dir = defaultDir): Deployment {
  const path = deploymentPath(network, dir);
  return loadDeploymentFile(path, `no deployment for network "${network}" (${path}); run the deploy script first`);
}

/** Reads and validates a deployment file; `notFound` is the message when there is none. */
export function loadDeploymentFile(path: string, notFound = `no deployment file ${path}`): Deployment {
  if (!existsSync(path)) throw new DeploymentNotFoundError(notFound);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InvalidDeploymentError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidDeploymentError(`${path} is not a valid deployment:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export function writeDeployment(deployment: Deployment, dir = defaultDir): string {
  const path = deploymentPath(deployment.network, dir);
  writeFileSync(path, `${JSON.stringify(deploymentSchema.parse(deployment), null, 2)}\n`);
  return path;
}
