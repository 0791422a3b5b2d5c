/** Raw WooCommerce REST API v3 shapes (https://woocommerce.github.io/woocommerce-rest-api-docs/#orders). */

export interface WooMetaData {
  id?: number;
  key: string;
  value: unknown;
}

export interface WooLineItem {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  sku: string | null;
  /** A JSON number, unlike the string totals beside it. */
  price: number | string;
  subtotal: string;
  total: string;
}

/** The summary the order carries; `total` is negative ("-10.00"). */
export interface WooOrderRefundSummary {
  id: number;
  reason: string;
  total: string;
}

export interface WooOrder {
  id: number | string;
  number: string;
  status: string;
  currency: string;
  date_created_gmt: string;
  date_modified_gmt: string;
  /** When the order was completed (UTC, no zone designator); null until then. */
  date_completed_gmt?: string | null;
  total: string;
  customer_id: number | string;
  customer_note?: string;
  billing?: { first_name?: string; last_name?: string };
  line_items: WooLineItem[];
  refunds: WooOrderRefundSummary[];
}

export interface WooRefund {
  id: number;
  date_created_gmt: string;
  amount: string;
  reason: string;
  refunded_by: number;
  refunded_payment: boolean;
  meta_data: WooMetaData[];
}

export interface WooOrderNote {
  id: number;
  author: string;
  date_created_gmt: string;
  note: string;
  customer_note: boolean;
}

/** The WordPress REST error envelope. */
export interface WooErrorBody {
  code: string;
  message: string;
  data?: { status?: number } | null;
}

/** `action.*` webhooks carry the hook's first argument, here the order id. */
export interface WooActionWebhookBody {
  action: string;
  arg: number | string;
}
