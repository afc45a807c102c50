// Model commands (faces, mrz) can ask a running server instead of loading the models in this
// process: a server keeps them warm, a CLI process would load them on every call (seconds).
// `--server URL` (or VKYC_SERVER) with the API key from VKYC_API_KEY: a key on the command line
// would sit in the shell history and in `ps`.

interface ServerTarget { url: string; apiKey: string }

/** The server to ask, or null to run the models here. Throws when a server is named without a key. */
export function serverTarget(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ServerTarget | null {
  const url = flag ?? env.VKYC_SERVER;
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new Error(`--server must be an http(s) URL, not ${url}`);
  const apiKey = env.VKYC_API_KEY;
  if (!apiKey) throw new Error('--server needs an API key in VKYC_API_KEY (vkyc keys create --project NAME)');
  return { url: url.replace(/\/+$/, ''), apiKey };
}

/** POSTs images as multipart fields; returns the HTTP status and the JSON answer (errors included). */
export async function postImages(t: ServerTarget, path: string, images: Record<string, Uint8Array>): Promise<{ status: number; body: unknown }> {
  const form = new FormData();
  for (const [name, bytes] of Object.entries(images)) form.append(name, new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  let res: Response;
  try {
    res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: form });
  } catch (e) {
    // fetch hides the reason in `cause` (an AggregateError when several addresses were tried).
    const cause = (e as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
    throw new Error(`cannot reach ${t.url} (${cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (e as Error).message})`);
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new Error(`${t.url}${path} answered ${res.status} without JSON`);
  }
}
