#include "monitor_app/widgets/actordetailpane.h"

#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/instanceconnection.h"
#include "monitor_app/widgets/fillbardelegate.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QQuickItem>
#include <QQuickWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

ActorDetailPane::ActorDetailPane(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_identity(new QLabel(this))
    , m_timing(new QLabel(this))
    , m_chart(new QQuickWidget(this))
    , m_budget(new QLabel(this))
    , m_budgetGauge(new QProgressBar(this))
    , m_restarts(new QPlainTextEdit(this))
    , m_assigns(new QPlainTextEdit(this))
    , m_fetch(new QPushButton(tr("Fetch assigns"), this))
{
    auto *layout = new QVBoxLayout(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_identity->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_identity->setWordWrap(true);
    m_timing->setWordWrap(true);
    m_budget->setWordWrap(true);
    m_budgetGauge->setTextVisible(true);
    m_budgetGauge->setMaximumHeight(18);
    m_chart->setResizeMode(QQuickWidget::SizeRootObjectToView);
    m_chart->setSource(QUrl(u"qrc:/LiveActor/Monitor/ActorDetailCharts.qml"_s));
    m_chart->setMinimumHeight(170);
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_restarts->setReadOnly(true);
    m_restarts->setFont(fixed);
    m_restarts->setPlaceholderText(tr("no restarts"));
    m_assigns->setReadOnly(true);
    m_assigns->setFont(fixed);
    m_assigns->setPlaceholderText(tr("assigns: fetched on demand"));
    layout->addWidget(m_title);
    layout->addWidget(m_identity);
    layout->addWidget(m_chart);
    layout->addWidget(m_timing);
    layout->addWidget(m_budgetGauge);
    layout->addWidget(m_budget);
    layout->addWidget(new QLabel(tr("Restarts"), this));
    layout->addWidget(m_restarts, 1);
    layout->addWidget(m_fetch);
    layout->addWidget(m_assigns, 1);
    connect(m_fetch, &QPushButton::clicked, this, [this] {
        if (!m_actorId.isEmpty())
            Q_EMIT fetchAssignsRequested(m_actorId);
    });
    showActor(nullptr, {});
}

void ActorDetailPane::setFetchEnabled(bool enabled)
{
    m_fetch->setEnabled(enabled);
}

void ActorDetailPane::setAssigns(const QString &text)
{
    m_assigns->setPlainText(text);
}

QString ActorDetailPane::assignsText() const
{
    return m_assigns->toPlainText();
}

QString ActorDetailPane::summaryText() const
{
    return m_title->text() + u'\n' + m_identity->text() + u'\n' + m_timing->text();
}

void ActorDetailPane::showBudget(const ActorRecord &r, qint64 now)
{
    m_budget->setVisible(r.hasBudget());
    m_budgetGauge->setVisible(r.hasBudget());
    if (!r.hasBudget())
        return;
    m_budget->setText(r.budgetDescription(now));
    m_budgetGauge->setRange(0, qMax(1, r.intensity));
    m_budgetGauge->setValue(qMin(r.budgetUsed(now), qMax(1, r.intensity)));
    m_budgetGauge->setFormat(tr("restart budget %1").arg(r.budgetText(now)));
    QPalette palette = m_budgetGauge->palette();
    palette.setColor(QPalette::Highlight, FillBarDelegate::colorForLevel(int(r.budgetLevel(now))));
    m_budgetGauge->setPalette(palette);
}

QString ActorDetailPane::budgetText() const
{
    return m_budgetGauge->isVisibleTo(this) ? m_budgetGauge->text() + u'\n' + m_budget->text() : QString();
}

void ActorDetailPane::clearActorParts()
{
    if (!m_actorId.isEmpty())
        m_assigns->clear();
    m_actorId.clear();
    m_timing->clear();
    m_budget->clear();
    m_budget->hide();
    m_budgetGauge->hide();
    m_restarts->clear();
    if (QQuickItem *root = m_chart->rootObject())
        root->setProperty("samples", QVariantList());
}

void ActorDetailPane::showInstance(const InstanceConnection &connection, int actorCount, const InstanceStatList &stats)
{
    clearActorParts();
    m_title->setText(tr("instance %1").arg(connection.displayName()));
    const auto &hello = connection.hello();
    QStringList identity{connection.url().toString(), InstanceConnection::stateName(connection.state())};
    if (hello.pid() != 0)
        identity << tr("pid %1 on %2").arg(hello.pid()).arg(QString::fromStdString(hello.host()))
                 << QString::fromStdString(hello.build())
                 << tr("up %1").arg(ActorTreeModel::formatAge(
                        (connection.isSaved() ? connection.savedAtMs() : QDateTime::currentMSecsSinceEpoch()) - hello.start_time_ms()));
    identity << tr("%1 actors").arg(actorCount);
    m_identity->setText(identity.join(u" · "_s));
    m_timing->setText(stats.isEmpty() ? tr("no instance figures from this runtime") : formatInstanceStats(stats, u"\n"_s));
}

void ActorDetailPane::showActor(const ActorRecord *r, const QList<RestartLogModel::Entry> &restarts, qint64 nowMs)
{
    QQuickItem *root = m_chart->rootObject();
    if (!r) {
        clearActorParts();
        m_title->setText(tr("No actor selected"));
        m_identity->clear();
        return;
    }
    if (m_actorId != r->id)
        m_assigns->clear();
    m_actorId = r->id;
    const qint64 now = nowMs ? nowMs : QDateTime::currentMSecsSinceEpoch();
    m_title->setText(u"%1 %2"_s.arg(r->kind, r->viewOrPath()));
    QStringList meta;
    for (auto it = r->metadata.cbegin(); it != r->metadata.cend(); ++it)
        if (it.key() != u"traceback"_s && it.key() != u"assigns"_s)
            meta << u"%1: %2"_s.arg(it.key(), it.value().left(200));
    meta.sort();
    m_identity->setText(u"id %1 · incarnation %2 · %3 · executor %4 · up %5\n%6"_s
                            .arg(r->id).arg(r->incarnation).arg(r->state).arg(r->executor)
                            .arg(ActorTreeModel::formatAge(now - r->startedAtMs), meta.join(u" · "_s)));
    m_timing->setText(tr("mailbox %1/%2 (high-water %3, system lane %4) · wait %5 µs · processing %6 µs · "
                         "%7 enqueued · %8 processed · %9 rejected")
                          .arg(r->length).arg(r->capacity).arg(r->highWater).arg(r->systemLength)
                          .arg(r->waitTimeUs, 0, 'f', 1).arg(r->processingTimeUs, 0, 'f', 1)
                          .arg(r->enqueued).arg(r->processed).arg(r->rejected));
    showBudget(*r, now);
    QString restartText;
    if (r->hasExited)
        restartText += tr("restart count %1 · last exit: %2 %3\n").arg(r->restartCount).arg(r->exitKind, r->exitMessage);
    for (const RestartLogModel::Entry &e : restarts) {
        restartText += u"%1  #%2  %3%4%5\n"_s
                           .arg(QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s))
                           .arg(e.restartCount)
                           .arg(e.reasonKind, e.reasonMessage.isEmpty() ? QString() : u": "_s + e.reasonMessage,
                                e.looping ? u"  ⚠ restart loop"_s : QString());
        if (!e.traceback.isEmpty())
            restartText += e.traceback + u"\n"_s;
    }
    if (!r->exitTraceback.isEmpty() && restarts.isEmpty())
        restartText += r->exitTraceback + u"\n"_s;
    if (m_restarts->toPlainText() != restartText)
        m_restarts->setPlainText(restartText);

    if (root) {
        QVariantList samples;
        for (const FillSample &s : r->history) {
            const double age = double(now - s.timeMs) / 1000.0;
            if (age > 60.0)
                continue;
            samples.append(QVariantMap{{u"t"_s, age}, {u"v"_s, double(s.fill)}});
        }
        root->setProperty("samples", samples);
        root->setProperty("length", r->length);
        root->setProperty("capacity", r->capacity);
        root->setProperty("title", tr("mailbox fill, last 60 s"));
    }
}

} // namespace LiveActor::Monitor
