import { useState } from 'react';
import type { Translate } from '../lib/i18n';

export function SignIn(props: {
  t: Translate;
  error: string | null;
  onSignIn: (key: string) => void;
  onSwitchLocale: () => void;
}) {
  const { t } = props;
  const [key, setKey] = useState('');
  return (
    <div className="signin">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) props.onSignIn(key.trim());
        }}
      >
        <h1>{t('appName')}</h1>
        <h2>{t('signInTitle')}</h2>
        <label>
          {t('apiKey')}
          <input
            name="apiKey"
            type="password"
            autoComplete="off"
            autoFocus
            placeholder="mah_…"
            value={key}
            onChange={(event) => setKey(event.target.value)}
          />
        </label>
        {props.error && (
          <p className="error" role="alert">
            {props.error}
          </p>
        )}
        <p className="muted">{t('signInHint')}</p>
        <div className="row">
          <button type="submit" className="primary">
            {t('signIn')}
          </button>
          <button type="button" className="link" onClick={props.onSwitchLocale}>
            {t('language')}
          </button>
        </div>
      </form>
    </div>
  );
}
