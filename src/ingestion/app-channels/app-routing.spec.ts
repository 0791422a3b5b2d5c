import type { AppMessage } from '../../../adapters/contract';
import { routeAppMessages } from './app-routing';

function message(id: string, ...shopKeys: string[]): AppMessage {
  return {
    shopKeys,
    event: { dedupeKey: id, eventType: 'taobao_refund_RefundCreated', externalId: id, payload: '{}' },
  };
}

const flagship = { id: 'c-flagship', shopId: '沙箱旗舰店' };
const outlet = { id: 'c-outlet', shopId: '2200000000002' };

describe('routeAppMessages', () => {
  it("gives each message to its own shop's connection, by any of the keys it carries", () => {
    const routed = routeAppMessages(
      [flagship, outlet],
      [
        message('1', '2200000000001', '沙箱旗舰店'),
        message('2', '2200000000002', '奥特莱斯店'),
        message('3', '2200000000001', '沙箱旗舰店'),
      ],
    );
    expect(routed.deliveries).toEqual([
      {
        connection: flagship,
        events: [expect.objectContaining({ dedupeKey: '1' }), expect.objectContaining({ dedupeKey: '3' })],
      },
      { connection: outlet, events: [expect.objectContaining({ dedupeKey: '2' })] },
    ]);
    expect(routed.unroutable).toEqual([]);
  });

  it('keeps a message of a shop with no connection as unroutable, never giving it to another shop', () => {
    const routed = routeAppMessages([flagship], [message('1', '2200000000009', '别家小店'), message('2')]);
    expect(routed.deliveries).toEqual([]);
    expect(routed.unroutable.map((item) => item.event.dedupeKey)).toEqual(['1', '2']);
  });

  it('matches exactly: no prefix, no case folding, no empty shop ids', () => {
    const routed = routeAppMessages(
      [
        { id: 'a', shopId: 'Shop' },
        { id: 'b', shopId: '  ' },
        { id: 'c', shopId: '44637' },
      ],
      [message('1', 'shop'), message('2', ''), message('3', '4463798')],
    );
    expect(routed.deliveries).toEqual([]);
    expect(routed.unroutable).toHaveLength(3);
  });

  it('delivers to every connection of the same shop (two tenants connected it), once each', () => {
    const other = { id: 'c-other-tenant', shopId: '沙箱旗舰店' };
    const routed = routeAppMessages([flagship, other], [message('1', '2200000000001', '沙箱旗舰店')]);
    expect(routed.deliveries.map((delivery) => [delivery.connection.id, delivery.events.length])).toEqual([
      ['c-flagship', 1],
      ['c-other-tenant', 1],
    ]);
  });

  it('ignores surrounding spaces in either the shopId or the key', () => {
    const routed = routeAppMessages([{ id: 'a', shopId: ' 4463798 ' }], [message('1', '4463798 ')]);
    expect(routed.deliveries).toHaveLength(1);
  });
});
