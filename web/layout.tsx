// The frame of every page: header with navigation, the CSRF token for client scripts, and
// the page's own script. Everything is local: no CDN, works offline.
import type { Child } from 'hono/jsx';
import type { AuthUser } from './context.ts';
import { asset } from './static.ts';

export interface LayoutProps {
  title: string;
  user?: AuthUser | undefined;
  csrf?: string | undefined;
  /** Which navigation entry is current. */
  active?:
    | 'series'
    | 'new'
    | 'datasets'
    | 'applications'
    | 'hosts'
    | 'groups'
    | 'users'
    | 'tokens'
    | 'notifications';
  /** Page scripts in web/static/, loaded after common.js. */
  scripts?: string[];
  children?: Child;
}

export function Layout(props: LayoutProps) {
  const { user } = props;
  const nav = (key: NonNullable<LayoutProps['active']>, href: string, label: string) => (
    <a href={href} aria-current={props.active === key ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.csrf ? <meta name="csrf-token" content={props.csrf} /> : null}
        <title>{`${props.title} · Tuplet`}</title>
        <link rel="stylesheet" href={asset('app.css')} />
        <link rel="icon" href={asset('favicon.svg')} type="image/svg+xml" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/">
            Tuplet
          </a>
          {user ? (
            <nav aria-label="Main">
              {nav('series', '/', 'Series')}
              {nav('new', '/series/new', 'New series')}
              {nav('datasets', '/datasets', 'Datasets')}
              {nav('applications', '/applications', 'Applications')}
              {nav('hosts', '/hosts', 'Hosts')}
              {nav('groups', '/groups', 'Groups')}
              {user.role === 'admin' ? nav('users', '/users', 'Users') : null}
              {nav('tokens', '/tokens', 'Tokens')}
            </nav>
          ) : null}
          {user ? (
            // The unread count of the user's notifications is filled in by bell.js.
            <a
              class="bell"
              href="/notifications"
              data-bell
              aria-label="Notifications"
              aria-current={props.active === 'notifications' ? 'page' : undefined}
            >
              <span aria-hidden="true">🔔</span>
              <span class="bell-count" data-unread hidden>
                0
              </span>
            </a>
          ) : null}
          {user ? (
            <form class="signout" method="post" action="/logout">
              <input type="hidden" name="_csrf" value={props.csrf ?? ''} />
              <span class="who" title={user.role}>
                {user.name}
              </span>
              <button type="submit" class="link">
                Sign out
              </button>
            </form>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <div id="toast" role="status" aria-live="polite"></div>
        <script src={asset('common.js')} defer></script>
        {user ? <script src={asset('bell.js')} defer></script> : null}
        {(props.scripts ?? []).map((s) => (
          <script src={asset(s)} defer></script>
        ))}
      </body>
    </html>
  );
}

/** A message page (not found, forbidden, errors), inside the usual frame. */
export function MessagePage(props: {
  title: string;
  message: string;
  user?: AuthUser | undefined;
  csrf?: string | undefined;
}) {
  return (
    <Layout title={props.title} user={props.user} csrf={props.csrf}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">Back to the series</a>
      </p>
    </Layout>
  );
}
