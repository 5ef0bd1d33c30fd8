import { Button, Result, type ResultProps } from 'antd';
import { useHref, useNavigate } from 'react-router';

/** A page-sized outcome (not found, done already) with the one place to go next. */
export function ResultWithLink({ status, title, subTitle, to, action }: Pick<ResultProps, 'status' | 'title' | 'subTitle'> & { to: string; action: string }) {
  const href = useHref(to);
  const navigate = useNavigate();
  return (
    <Result
      status={status}
      title={title}
      subTitle={subTitle}
      extra={
        // A real link (a button-styled <a>, not a button inside a link), followed without reloading the page.
        <Button
          type="primary"
          href={href}
          onClick={(event) => {
            event.preventDefault();
            void navigate(to);
          }}
        >
          {action}
        </Button>
      }
    />
  );
}
