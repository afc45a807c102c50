import { useEffect, useState } from 'preact/hooks';
import { isMissing } from '../api.ts';

/** Loads once (and on reload()); a route the server does not have yet is reported as such. */
export function useLoad<T>(fn: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const [missing, setMissing] = useState(false);
  const reload = () => fn().then((d) => { setData(d); setError(''); performance.mark('vkyc:ready'); }, (e: unknown) => { if (isMissing(e)) setMissing(true); else setError(e instanceof Error ? e.message : String(e)); });
  useEffect(() => { void reload(); }, []);
  return { data, error, missing, reload };
}

export const Missing = ({ what }: { what: string }) => <p class="notice">This server does not offer {what} yet.</p>;
export const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
