/**
 * Word lists for realistic Chinese names: officers (surname + given name), companies (place +
 * trade name + industry + legal form) and individual businesses, plus the free text a taxpayer
 * writes on a form. The surname weights follow the rough national frequency order.
 */
import type { Rng } from './prng.js';

const surnames = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '于', '蒋', '蔡',
  '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金',
  '石', '廖', '贾', '夏', '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛', '闫', '段', '雷', '侯',
  '龙', '史', '陶', '黎', '贺', '顾', '毛', '郝', '龚', '邵', '万', '钱', '严', '覃', '武', '戴', '莫', '孔', '向', '汤',
  '欧阳', '司马', '诸葛',
];
const surnameWeights = surnames.map((_, i) => (i >= 100 ? 0.05 : 1 / Math.sqrt(i + 1)));

const givenChars = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞', '平', '刚',
  '辉', '玲', '华', '飞', '鹏', '红', '建', '国', '文', '斌', '宇', '浩', '凯', '健', '俊', '帆', '帅', '旭', '宁', '龙',
  '林', '欣', '婷', '雪', '琳', '晶', '颖', '倩', '佳', '怡', '慧', '梅', '莉', '燕', '丹', '萍', '蕾', '薇', '晨', '阳',
  '波', '峰', '亮', '成', '志', '海', '东', '彬', '博', '晓', '春', '秋', '云', '桂', '兰', '英', '秀', '鑫', '昊', '然',
  '子', '梓', '轩', '涵', '宏', '立', '新', '学', '永', '庆', '德', '清', '振', '忠', '荣', '瑞', '嘉', '思', '雨', '晴',
];

/** A person's name: one surname and a one- or two-character given name. */
export function personName(rng: Rng): string {
  const s = rng.weighted(surnames, surnameWeights);
  const g = rng.chance(0.7) ? rng.pick(givenChars) + rng.pick(givenChars) : rng.pick(givenChars);
  return s + g;
}

const tradeChars = [
  '华', '鑫', '瑞', '恒', '泰', '盛', '德', '源', '通', '达', '信', '丰', '隆', '宏', '兴', '利', '祥', '顺', '安', '晟',
  '远', '博', '创', '联', '众', '金', '银', '山', '海', '天', '星', '光', '明', '新', '润', '佳', '卓', '凯', '美', '嘉',
];
const industries = [
  '科技', '贸易', '商贸', '建材', '餐饮管理', '物流', '机械制造', '电子', '服装', '食品', '建筑工程', '医药', '化工',
  '家具', '文化传媒', '农业开发', '房地产开发', '汽车销售', '信息技术', '环保科技', '新能源', '包装材料', '印务', '酒店管理',
];
const shopKinds = ['便利店', '五金店', '小吃店', '理发店', '服装店', '水果店', '烟酒商行', '维修部', '副食店', '面馆', '超市', '打印店'];

/** A company name, e.g. 示范市恒泰建材有限公司. */
export function companyName(rng: Rng, place: string, big: boolean): string {
  const trade = rng.pick(tradeChars) + rng.pick(tradeChars);
  const form = big ? rng.pick(['股份有限公司', '集团有限公司', '有限公司']) : '有限公司';
  return `${place}${trade}${rng.pick(industries)}${form}`;
}

/** An individual business (个体工商户), e.g. 城东区张伟便利店. */
export function shopName(rng: Rng, place: string): string {
  return `${place}${personName(rng)}${rng.pick(shopKinds)}`;
}

export const cityNames = [
  '示范', '青川', '临江', '云阳', '安平', '东华', '西岭', '南屏', '北塘', '长宁', '永丰', '清河', '宁远', '定安', '兴义',
  '平凉', '德阳', '江华', '沙河', '凤城', '松原', '白石', '瑞金', '海城',
];
export const districtNames = [
  '城东', '城西', '城南', '城北', '中心', '新城', '高新', '滨江', '开发', '港区', '西湖', '东山', '南湖', '北岸', '河西', '河东',
];

export const praise = [
  '办事效率高，解释清楚。',
  '态度很好，耐心讲解政策。',
  '一次就办好了，不用来回跑。',
  '专业，帮我们算清了应纳税额。',
  '很热情，谢谢！',
  '指导我们在电子税务局上操作，方便。',
];
export const criticism = [
  '等了很久，窗口人手不够。',
  '政策讲得不太清楚，需要再来一次。',
  '电话打不通。',
  '材料要求前后不一致。',
];
export const complaintTexts = [
  '要求我们请指定的代理记账公司，否则不给办理。',
  '核定定额明显偏高，和同街道同类店铺不一样，解释不清。',
  '办理时索要好处费。',
  '多次推诿，说不归他管。',
  '态度恶劣，当众训斥。',
];
export const justifications: Record<string, string[]> = {
  assessed_turnover: ['依据典型调查及同行业同规模核定月经营额。', '结合用电量、房租和从业人数核定。', '按照定额核定程序，参考上期核定结果。'],
  penalty_waiver: ['首次违法且危害后果轻微，在规定期限内改正，适用首违不罚。', '纳税人及时补正，符合首违不罚清单。'],
  tax_relief: ['符合小型微利企业减免条件，经集体审议同意。', '受自然灾害影响，依申请减征。'],
  deferral: ['因资金周转困难，依申请延期缴纳，提供担保。', '符合延期缴纳条件，经审批同意。'],
  invoice_quota: ['根据经营规模调整发票领用限额。', '依申请增加月领用份数。'],
};
export const violationTypes = ['late_filing', 'late_registration', 'invoice_keeping', 'bookkeeping', 'late_reporting_change'];
