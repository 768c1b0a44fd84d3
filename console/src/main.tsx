/** The ops console: sign-in with an ops key (kept for the session), the main navigation and its pages. */
import './console.css';
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { OpsApi } from './api.js';
import { Link } from './components.js';
import { ApiContext } from './hooks.js';
import { Channels } from './pages/channels.js';
import { DeadLetters } from './pages/dead-letters.js';
import { MerchantPage, Merchants } from './pages/merchants.js';
import { Overview } from './pages/overview.js';
import { PaymentPage } from './pages/payment.js';
import { Payments } from './pages/payments.js';
import { Reconciliation } from './pages/reconciliation.js';
import { ReviewQueue } from './pages/review.js';
import { Settlements } from './pages/settlements.js';
import { SignIn } from './pages/sign-in.js';
import { navigate, useRoute } from './router.js';
import { storedKey, storeKey } from './session.js';

const NAVIGATION: readonly [route: string, label: string][] = [
  ['', 'Overview'],
  ['payments', 'Payments'],
  ['review', 'Review queue'],
  ['merchants', 'Merchants'],
  ['channels', 'Channels'],
  ['reconciliation', 'Reconciliation'],
  ['settlements', 'Settlements'],
  ['dead-letters', 'Dead letters'],
];

function Page(props: { route: string }) {
  const [section = '', id] = props.route.split('/', 2);
  if (section === 'payments' && id) return <PaymentPage id={decodeURIComponent(id)} />;
  if (section === 'merchants' && id) return <MerchantPage id={decodeURIComponent(id)} />;
  switch (section) {
    case '':
      return <Overview />;
    case 'payments':
      return <Payments />;
    case 'review':
      return <ReviewQueue />;
    case 'merchants':
      return <Merchants />;
    case 'channels':
      return <Channels />;
    case 'reconciliation':
      return <Reconciliation />;
    case 'settlements':
      return <Settlements />;
    case 'dead-letters':
      return <DeadLetters />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>The console has no page at this address.</p>
        </section>
      );
  }
}

function App() {
  const [key, setKey] = useState<string | null>(storedKey);
  const route = useRoute();
  const api = useMemo(() => (key ? new OpsApi(key, (input, init) => fetch(input, init)) : null), [key]);
  const signIn = (k: string) => {
    storeKey(k);
    setKey(k);
  };
  const signOut = () => {
    storeKey(null);
    setKey(null);
    navigate('');
  };
  if (!api) return <SignIn onSignedIn={signIn} />;
  const section = route.split('/', 1)[0] ?? '';
  return (
    <ApiContext.Provider value={api}>
      <header class="top">
        <span class="brand">Payments ops</span>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map(([to, label]) => (
              <li key={to}>
                <Link to={to} class={section === to ? 'current' : ''}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="secondary sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </ApiContext.Provider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
