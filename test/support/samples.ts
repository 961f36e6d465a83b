/** One valid body per record resource (for a member of `bincheng`, Binzhou), and the fields a PATCH may change. */
export const sampleBodies = (h: { householdId: string }): Record<string, { body: Record<string, unknown>; patch: Record<string, unknown> }> => ({
  households: { body: { orgUnitId: 'bincheng', address: '滨城区演示路1号', headName: '户主甲', categories: ['left_behind'], hasMinor: true }, patch: { notes: '已回访' } },
  'field-trips': { body: { orgUnitId: 'shizhong', startDate: '2012-05-02', endDate: '2012-05-03', purpose: '走访' }, patch: { endDate: '2012-05-04' } },
  'household-visits': { body: { householdId: h.householdId, visitedOn: '2012-05-02' }, patch: { visitedOn: '2012-05-03' } },
  'diary-entries': { body: { entryDate: '2012-05-02', content: '今天走访了三户。' }, patch: { content: '今天走访了四户。' } },
  'research-reports': { body: { orgUnitId: 'bincheng', title: '留守妇女调研', situation: '情况', analysis: '分析', recommendations: '建议', submittedOn: '2012-08-01' }, patch: { topic: 'key_topic' } },
  'contact-points': { body: { orgUnitId: 'bincheng', name: '某村联系点', isWeak: true, establishedOn: '2012-04-20' }, patch: { brandProject: '巾帼家政' } },
  pairings: { body: { beneficiaryType: 'poor_child', beneficiaryName: '小明', startedOn: '2012-04-25' }, patch: { endedOn: '2012-12-31' } },
  services: { body: { orgUnitId: 'bincheng', category: 'care', subtype: 'poor_mother', servedOn: '2012-06-01', peopleServed: 12 }, patch: { peopleServed: 13 } },
  events: { body: { orgUnitId: 'bincheng', type: 'training', title: '技能培训', startDate: '2012-06-01', participants: 40 }, patch: { participants: 41 } },
  petitions: { body: { orgUnitId: 'bincheng', channel: 'hotline', receivedOn: '2012-06-01', petitionerName: '来访人甲', petitionerPhone: '13800000000', summary: '家庭纠纷' }, patch: { closedOn: '2012-06-10', outcome: '调解成功' } },
  submissions: { body: { orgUnitId: 'bincheng', type: 'progress', period: '2012-04/2012-05', title: '4–5月进展情况' }, patch: { title: '4–5月进展情况（修订）' } },
  needs: { body: { orgUnitId: 'bincheng', recordedOn: '2012-05-10', need: '希望开展技能培训', womanName: '妇女甲' }, patch: { status: 'resolved' } },
  inspections: { body: { orgUnitId: 'bincheng', inspectedOn: '2012-05-20', findings: '开展良好' }, patch: { findings: '开展良好，有亮点' } },
});
