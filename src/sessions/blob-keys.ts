/**
 * Every blob of a session (uploads, evidence crops) lives under this prefix, so erase removes them
 * with one `deletePrefix`. Its own module: the writers (upload, evidence) and erase all read it.
 */
export const sessionBlobPrefix = (projectId: string, sessionId: string) => `projects/${projectId}/sessions/${sessionId}/`;
