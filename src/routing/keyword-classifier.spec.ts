import { CATEGORY_KEYWORDS } from '../../config/classifier-keywords';
import { KeywordClassifier } from './keyword-classifier';
import { KeywordMatcher } from './keyword-matcher';

describe('KeywordClassifier with the default word lists', () => {
  const classifier = new KeywordClassifier(CATEGORY_KEYWORDS);
  const category = (text: string) => classifier.classify(text.toLowerCase())?.category ?? null;

  it.each([
    ['收到的杯子有破损', 'quality'],
    ['质量太差了，用了两天就坏了', 'quality'],
    ['快递一直没收到', 'logistics'],
    ['物流信息三天没更新', 'logistics'],
    ['同一笔订单扣款两次', 'payment'],
    ['支付成功但订单显示未付款', 'payment'],
    ['我的账号被盗了', 'account'],
    ['客服态度很差', 'service'],
  ])('classifies the Chinese text %s as %s', (text, expected) => {
    expect(category(text)).toBe(expected);
  });

  it.each([
    ['The blender arrived BROKEN', 'quality'],
    ['Item is defective out of the box', 'quality'],
    ['Package not received, tracking has not moved', 'logistics'],
    ['I was charged twice for this order', 'payment'],
    ['My account was hacked and someone ordered this', 'account'],
    ['The agent was rude to me', 'service'],
  ])('classifies the English text %s as %s', (text, expected) => {
    expect(category(text)).toBe(expected);
  });

  it('returns nothing for text without any keyword, and for no text', () => {
    expect(category('尺码不合适')).toBeNull();
    expect(category('Changed my mind')).toBeNull();
    expect(category('')).toBeNull();
  });

  it('matches English words whole, so longer words that contain one do not count', () => {
    expect(category('I am an accountant')).toBeNull();
    expect(category('unbroken seal')).toBeNull();
  });

  it('prefers the category with more distinct hits, and the earlier category on a tie', () => {
    expect(category('快递送来的杯子破损了，质量太差')).toBe('quality');
    expect(category('杯子破损，快递也很慢')).toBe('quality');
    expect(category('物流太慢，快递员态度差')).toBe('logistics');
  });

  it('reports the keywords it found', () => {
    expect(classifier.classify('tracking says delivered but not received')).toEqual({
      category: 'logistics',
      keywords: ['not received', 'tracking'],
    });
  });

  it('is easy to extend: a new word list is all it takes', () => {
    const custom = new KeywordClassifier({ ...CATEGORY_KEYWORDS, quality: ['褪色', 'faded'] });
    expect(custom.classify('洗了一次就褪色')?.category).toBe('quality');
    expect(custom.classify('colours faded')?.category).toBe('quality');
  });
});

describe('KeywordMatcher', () => {
  it('finds Chinese words anywhere and Latin words with any case, once each', () => {
    const matcher = new KeywordMatcher(['律师', 'Chargeback', '12315']);
    expect(matcher.find('我要找律师，律师函已经寄出')).toEqual(['律师']);
    expect(matcher.find('i will file a chargeback')).toEqual(['chargeback']);
    expect(matcher.find('再不处理就打12315')).toEqual(['12315']);
    expect(matcher.find('order 123156')).toEqual([]);
  });

  it('takes regular-expression characters literally', () => {
    expect(new KeywordMatcher(['c++ (pro)']).find('my c++ (pro) licence')).toEqual(['c++ (pro)']);
  });
});
