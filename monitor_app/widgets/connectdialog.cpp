#include "monitor_app/widgets/connectdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

ConnectDialog::ConnectDialog(QWidget *parent, Target target)
    : QDialog(parent)
    , m_url(new QLineEdit(target == Target::Fleet ? u"redis://127.0.0.1:6379/0"_s : u"ws://127.0.0.1:4001/"_s, this))
    , m_token(new QLineEdit(this))
{
    setWindowTitle(target == Target::Fleet ? tr("Connect to a liveactor fleet (Redis)") : tr("Connect to a liveactor instance"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(target == Target::Fleet ? tr("the fleet's shared control token (default: $LIVEACTOR_CONTROL_TOKEN)")
                                                        : tr("contents of <state dir>/control_token"));
    auto *form = new QFormLayout(this);
    form->addRow(tr("URL"), m_url);
    form->addRow(tr("Token"), m_token);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QUrl ConnectDialog::url() const
{
    return QUrl::fromUserInput(m_url->text().trimmed());
}

QString ConnectDialog::token() const
{
    return m_token->text().trimmed();
}

} // namespace LiveActor::Monitor
