/** The decision forms of the ticket screen: what each needs, what is wrong with it, and the request body. */

export type ActionType =
  | 'approve_refund'
  | 'refuse_refund'
  | 'approve_return'
  | 'refuse_return'
  | 'confirm_return_received'
  | 'send_message';

export interface ActionForm {
  amount: string;
  reason: string;
  reasonCode: string;
  /** `default`: the platform's or the connection's saved return address; `address`: the one typed here. */
  addressMode: 'default' | 'address';
  externalAddressId: string;
  name: string;
  phone: string;
  address: string;
  province: string;
  city: string;
  district: string;
  postcode: string;
  text: string;
}

export const EMPTY_FORM: ActionForm = {
  amount: '',
  reason: '',
  reasonCode: '',
  addressMode: 'default',
  externalAddressId: '',
  name: '',
  phone: '',
  address: '',
  province: '',
  city: '',
  district: '',
  postcode: '',
  text: '',
};

/** Error keys name the field and the problem; the screen translates them. */
export type FormErrors = Partial<Record<keyof ActionForm, string>>;

const DECIMAL = /^\d{1,12}(\.\d{1,2})?$/;

/** Minor units of a decimal string, exact (no floating point): "64.5" → 6450. */
export function toMinor(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
}

/** Which fields each decision shows. */
export function fieldsFor(type: ActionType): (keyof ActionForm)[] {
  switch (type) {
    case 'approve_refund':
      return ['amount'];
    case 'refuse_refund':
    case 'refuse_return':
      return ['reason', 'reasonCode'];
    case 'approve_return':
      return [
        'addressMode',
        'externalAddressId',
        'name',
        'phone',
        'address',
        'province',
        'city',
        'district',
        'postcode',
      ];
    case 'confirm_return_received':
      return [];
    case 'send_message':
      return ['text'];
  }
}

export function validateAction(type: ActionType, form: ActionForm, requested: string | null): FormErrors {
  const errors: FormErrors = {};
  switch (type) {
    case 'approve_refund': {
      const amount = form.amount.trim();
      if (amount === '') break;
      if (!DECIMAL.test(amount)) errors.amount = 'amountFormat';
      else if (toMinor(amount) === 0n) errors.amount = 'amountZero';
      else if (requested !== null && DECIMAL.test(requested) && toMinor(amount) > toMinor(requested))
        errors.amount = 'amountAboveRequested';
      break;
    }
    case 'refuse_refund':
    case 'refuse_return':
      if (form.reason.trim() === '') errors.reason = 'required';
      else if (form.reason.length > 500) errors.reason = 'tooLong';
      break;
    case 'approve_return':
      if (form.addressMode === 'address') {
        if (form.name.trim() === '') errors.name = 'required';
        if (form.phone.trim() === '') errors.phone = 'required';
        else if (!/^[+\d][\d\s-]{4,39}$/.test(form.phone.trim())) errors.phone = 'phoneFormat';
        if (form.address.trim() === '') errors.address = 'required';
      }
      break;
    case 'confirm_return_received':
      break;
    case 'send_message':
      if (form.text.trim() === '') errors.text = 'required';
      else if (form.text.length > 2000) errors.text = 'tooLong';
      break;
  }
  return errors;
}

/** The body of `POST /v1/tickets/:id/actions`; only the fields the decision takes, empty ones left out. */
export function actionBody(type: ActionType, form: ActionForm): Record<string, unknown> {
  const body: Record<string, unknown> = { type };
  const put = (key: string, value: string) => {
    if (value.trim() !== '') body[key] = value.trim();
  };
  switch (type) {
    case 'approve_refund':
      put('amount', form.amount);
      break;
    case 'refuse_refund':
    case 'refuse_return':
      put('reason', form.reason);
      put('reasonCode', form.reasonCode);
      break;
    case 'approve_return':
      if (form.addressMode === 'address') {
        const address: Record<string, string> = {};
        const keys = [
          'name',
          'phone',
          'address',
          'province',
          'city',
          'district',
          'postcode',
          'externalAddressId',
        ] as const;
        for (const key of keys) {
          if (form[key].trim() !== '') address[key] = form[key].trim();
        }
        body.returnAddress = address;
      }
      break;
    case 'confirm_return_received':
      break;
    case 'send_message':
      put('text', form.text);
      break;
  }
  return body;
}
