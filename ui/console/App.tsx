import { useEffect, useMemo, useState } from 'react';
import { apiAll, errorSays, signOut } from '../lib/api.ts';
import { createLiveHub, useWhoAmI } from '../lib/hooks.ts';
import type { Me } from '../lib/session.ts';
import { ChangePassword } from '../lib/ChangePassword.tsx';
import { SignIn } from '../lib/SignIn.tsx';
import { Counts } from './Counts.tsx';
import { Dashboard } from './Dashboard.tsx';
import { Holds } from './Holds.tsx';
import { SafetyStocks } from './SafetyStock.tsx';
import { Exceptions, Inventory, Orders, Tasks } from './Lists.tsx';
import { Quality } from './Quality.tsx';
import { Shipping } from './Shipping.tsx';
import { Waves } from './Waves.tsx';
import { asnOf, orderOf } from './links.tsx';
import { Inbound } from './Inbound.tsx';
import { Lpns } from './Lpns.tsx';
import { OrderDetail } from './OrderDetail.tsx';
import { canAt, type Ctx } from './ctx.ts';

const SCREENS = [
  ['dashboard', 'Dashboard'], ['orders', 'Orders'], ['waves', 'Waves'], ['tasks', 'Tasks'], ['inventory', 'Inventory'], ['lpns', 'LPNs'], ['inbound', 'Inbound'], ['holds', 'Stock holds'], ['safety-stock', 'Safety stock'], ['counts', 'Counts'], ['quality', 'Quality holds'], ['shipping', 'Shipping'],
  ['exceptions', 'Exceptions'],
] as const;
type Screen = (typeof SCREENS)[number][0];

/** The screen of an address: `#/orders/ord_…` (an order's own screen) is under Orders, `#/inbound/asn_…` and `#/inbound/put_…` under Inbound. */
const screenOf = (hash: string): Screen => (orderOf(hash) !== undefined ? 'orders' : asnOf(hash) !== undefined ? 'inbound'
  : SCREENS.find(([s]) => hash === `#/${s}`)?.[0] ?? 'dashboard');

export function App() {
  const { me, setMe, error: meError, retry } = useWhoAmI();
  if (me === null && meError !== undefined) {
    return (
      <main className="signin">
        <h1>PakLog console</h1>
        <p role="alert" className="error">
          Could not check your sign-in: {meError}{' '}
          <button type="button" onClick={retry}>Try again</button>
        </p>
        <button type="button" onClick={() => { signOut(); setMe(undefined); }}>Sign out</button>
      </main>
    );
  }
  if (me === null) return <p className="loading">Loading…</p>;
  if (me === undefined) return <SignIn title="PakLog console" onSignedIn={setMe} />;
  return <Console me={me} onSignOut={() => { signOut(); setMe(undefined); }} />;
}

function Console(props: { me: Me; onSignOut: () => void }) {
  const [screen, setScreen] = useState<Screen>(screenOf(location.hash));
  /** The order whose screen is open (`#/orders/ord_…`), if one is. */
  const [orderId, setOrderId] = useState<string | undefined>(orderOf(location.hash));
  /** The ASN whose screen is open (`#/inbound/asn_…`), if one is. */
  const [asnId, setAsnId] = useState<string | undefined>(asnOf(location.hash));
  /** The sites, once read (undefined until then: "Loading…" only while they are being read). */
  const [sites, setSites] = useState<{ id: string; code: string; name: string }[] | undefined>(undefined);
  const [siteId, setSiteId] = useState<string>('');
  /** The sites could not be read: said on the page (else it would only say "No site yet", which is not true). */
  const [sitesError, setSitesError] = useState<string | undefined>(undefined);
  const [sitesTry, setSitesTry] = useState(0);
  const [connected, setConnected] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const hub = useMemo(() => createLiveHub(setConnected), []);
  useEffect(() => () => hub.stop(), [hub]);
  useEffect(() => {
    const onHash = (): void => {
      setScreen(screenOf(location.hash));
      setOrderId(orderOf(location.hash));
      setAsnId(asnOf(location.hash));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    apiAll<{ id: string; code: string; name: string }>('/sites', 1000).then((items) => {
      setSites(items);
      setSitesError(undefined);
      setSiteId((current) => current || (items.find((s) => s.code === 'DEMO') ?? items[0])?.id || '');
    }, (e: unknown) => setSitesError(errorSays(e)));
  }, [sitesTry]);
  const site = sites?.find((s) => s.id === siteId);
  const can = canAt(props.me, siteId);
  const ctx: Ctx = { siteId, siteCode: site?.code ?? '', live: hub.subscribe, me: props.me, can };
  // A role that may not read the exception queue does not see a screen that could only answer 403.
  const screens = SCREENS.filter(([s]) => s !== 'exceptions' || can.exceptions);
  // A link or bookmark to a screen this role may not see opens the dashboard, not a page of one 403.
  const shown: Screen = screens.some(([s]) => s === screen) ? screen : 'dashboard';
  const title = SCREENS.find(([s]) => s === shown)?.[1] ?? '';
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">PakLog</span>
        <nav aria-label="Screens">
          <ul>
            {screens.map(([s, label]) => (
              <li key={s}><a href={`#/${s}`} aria-current={s === shown ? 'page' : undefined}>{label}</a></li>
            ))}
          </ul>
        </nav>
        <label className="site">Site
          <select value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            {(sites ?? []).map((s) => <option key={s.id} value={s.id}>{s.code}</option>)}
          </select>
        </label>
        <span className={connected ? 'live on' : 'live off'} role="status" aria-live="polite">{connected ? 'Live' : 'Offline'}</span>
        <span className="who">{props.me.name} ({props.me.role})</span>
        {props.me.kind === 'user' ? <button type="button" onClick={() => setChangingPassword(true)}>Change password</button> : null}
        <button type="button" onClick={props.onSignOut}>Sign out</button>
      </header>
      <main>
        {changingPassword ? <ChangePassword onClose={() => setChangingPassword(false)} /> : null}
        {(shown === 'orders' && orderId !== undefined) || (shown === 'inbound' && asnId !== undefined) ? null : <h1>{title}</h1>}
        {sitesError !== undefined && siteId === '' ? (
          <p role="alert" className="error">
            Could not read the sites: {sitesError}{' '}
            <button type="button" onClick={() => setSitesTry((n) => n + 1)}>Try again</button>
          </p>
        ) : siteId === '' && sites === undefined ? <p>Loading…</p> : siteId === '' ? (
          // PakLog started without the demo (PAKLOG_SEED_DEMO=false): nothing to show until an admin makes a site.
          <p>
            No site yet. An admin creates one with <code>POST /api/v1/sites</code> (and its locations, or a generated
            layout; see the API docs at <a href="/docs">/docs</a>), or starts PakLog with the demo warehouse.{' '}
            <button type="button" onClick={() => setSitesTry((n) => n + 1)}>Try again</button>
          </p>
        ) : shown === 'orders' && orderId !== undefined ? <OrderDetail ctx={ctx} id={orderId} />
          : shown === 'inbound' ? <Inbound ctx={ctx} asnId={asnId} /> : <ScreenView screen={shown} ctx={ctx} />}
      </main>
    </div>
  );
}

function ScreenView({ screen, ctx }: { screen: Screen; ctx: Ctx }) {
  switch (screen) {
    case 'dashboard': return <Dashboard ctx={ctx} />;
    case 'orders': return <Orders ctx={ctx} />;
    case 'waves': return <Waves ctx={ctx} />;
    case 'tasks': return <Tasks ctx={ctx} />;
    case 'inventory': return <Inventory ctx={ctx} />;
    case 'lpns': return <Lpns ctx={ctx} />;
    case 'inbound': return <Inbound ctx={ctx} asnId={undefined} />;
    case 'holds': return <Holds ctx={ctx} />;
    case 'safety-stock': return <SafetyStocks ctx={ctx} />;
    case 'counts': return <Counts ctx={ctx} />;
    case 'quality': return <Quality ctx={ctx} />;
    case 'shipping': return <Shipping ctx={ctx} />;
    case 'exceptions': return <Exceptions ctx={ctx} />;
    default: return null;
  }
}
