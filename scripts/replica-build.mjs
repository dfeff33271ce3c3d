// The connected replica as ONE file for the gateway Docker image (docker/Dockerfile): every
// package bundled, so the image holds node and this file only. Used by scripts/build.mjs
// (--all) and by the Docker manager when it builds the image from a source checkout.
import { build } from 'esbuild';
import path from 'node:path';

export const REPLICA_ENTRY = 'main/cli/replica-entry.ts';
export const REPLICA_BUNDLE = 'dist/replica/gatehouse-replica.cjs';

/** Builds in memory; returns the bundle's text (the caller decides where it goes). */
export async function bundleReplica(root = process.cwd()) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [REPLICA_ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    // Replicas run custom policies shipped as bundled code; they never compile one.
    external: ['esbuild'],
    write: false,
    outfile: REPLICA_BUNDLE,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

/** For scripts/build.mjs: writes dist/replica/gatehouse-replica.cjs. */
export async function buildReplica(buildAtomically) {
  await buildAtomically({
    entryPoints: [REPLICA_ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    external: ['esbuild'],
    outfile: REPLICA_BUNDLE,
    logLevel: 'warning',
  });
  console.log(`built ${path.normalize(REPLICA_BUNDLE)}`);
}
